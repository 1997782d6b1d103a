package dev.looplab.lineage.importer;

import dev.looplab.lineage.LineageException;

/** An import refused as a whole because of its input (a missing file, a header without exp_id, another source). */
public class ImportException extends LineageException {

    public ImportException(String message) {
        super(message);
    }

    public ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
