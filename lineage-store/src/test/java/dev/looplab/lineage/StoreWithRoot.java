package dev.looplab.lineage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A fresh lineage per test: a bare repository whose root commit {@code t0} is the baseline recipe. */
abstract class StoreWithRoot {

    @TempDir
    Path temp;

    Path repoDir;
    LineageStore store;
    GitCli git;

    @BeforeEach
    void openStoreWithRoot() {
        repoDir = temp.resolve("golf-mini.git");
        store = LineageStore.open(repoDir);
        git = new GitCli(repoDir);
        store.initRoot("t0", Recipes.write(temp.resolve("recipe")), "Baseline golf-mini recipe");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }
}
