package dev.looplab.lineage;

import java.util.Locale;

/** What {@link LineageStore#maintain} found and left: object and pack counts before and after, packed bytes. */
public record MaintenanceResult(long looseObjectsBefore, long packsBefore, long looseObjectsAfter, long packsAfter,
        long packedBytesAfter, long millis) {

    /** One line for a log. */
    public String describe() {
        return String.format(Locale.ROOT, "%d loose objects and %d packs before, %d and %d after (%,d bytes packed)"
                + " in %d ms", looseObjectsBefore, packsBefore, looseObjectsAfter, packsAfter, packedBytesAfter, millis);
    }
}
