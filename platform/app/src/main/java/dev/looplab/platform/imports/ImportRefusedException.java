package dev.looplab.platform.imports;

import dev.looplab.lineage.importer.ImportException;

/** An import by server path that the platform's configuration does not allow (no import root, or outside it). */
public class ImportRefusedException extends ImportException {

    public ImportRefusedException(String message) {
        super(message);
    }
}
