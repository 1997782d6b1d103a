package dev.looplab.platform.imports;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Where imports may come from: uploads always, server folders only under {@code looplab.imports.root}. */
@ConfigMapping(prefix = "looplab.imports")
public interface ImportConfig {

    /** The name of the root setting, as error messages spell it. */
    String ROOT_SETTING = "looplab.imports.root";

    /**
     * The only server folder imports by path may read (and its subfolders); without it, {@code POST /api/imports}
     * with a path is refused and imports come as uploads.
     */
    Optional<Path> root();

    /** The largest upload accepted, packed and unpacked. */
    @WithDefault("4294967296")
    long maxUploadBytes();
}
