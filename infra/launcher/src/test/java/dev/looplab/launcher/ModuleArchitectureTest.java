package dev.looplab.launcher;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module graph of docs/architecture.md, checked on the compiled classes of every module: the contract at
 * the bottom, the libraries above it, the apps above those, the launcher on top; and no two packages anywhere
 * that need each other. The launcher builds last, so every module's classes are there.
 */
class ModuleArchitectureTest {
    private static final List<String> MODULES = List.of("platform/api", "lineage-store", "evaluators",
            "infra/runtimes/common", "infra/runtimes/kafka", "infra/runtimes/s3proxy", "infra/runtimes/djl",
            "infra/embedded", "platform/app", "worker", "proposer-agents", "infra/launcher");

    private static final String[] CONTRACT = {"dev.looplab.events..", "dev.looplab.trial..", "dev.looplab.diff.."};
    private static final String LINEAGE = "dev.looplab.lineage..";
    private static final String EVALUATION = "dev.looplab.evaluation..";
    private static final String RUNTIMES = "dev.looplab.runtime..";
    private static final String EMBEDDED = "dev.looplab.infra..";
    private static final String PLATFORM = "dev.looplab.platform..";
    private static final String WORKER = "dev.looplab.worker..";
    private static final String PROPOSER = "dev.looplab.proposer..";
    private static final String LAUNCHER = "dev.looplab.launcher..";

    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() {
        Path root = Path.of(System.getProperty("looplab.root", "../..")).toAbsolutePath().normalize();
        List<Path> folders = MODULES.stream().map(m -> root.resolve(m).resolve("target/classes")).toList();
        assertThat(folders).as("compiled classes of every module (build the whole reactor: ./mvnw verify)")
                .allMatch(Files::isDirectory);
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPaths(folders);
        assertThat(classes).as("classes imported").hasSizeGreaterThan(200);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("dev.looplab.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theContractDependsOnNothingOfLooplab() {
        noClasses().that().resideInAnyPackage(CONTRACT).should().dependOnClassesThat()
                .resideInAnyPackage(LINEAGE, EVALUATION, RUNTIMES, EMBEDDED, PLATFORM, WORKER, PROPOSER, LAUNCHER)
                .check(classes);
    }

    @Test
    void theLibrariesNeverDependOnTheAppsNorOnEachOther() {
        noClasses().that().resideInAPackage(LINEAGE).should().dependOnClassesThat()
                .resideInAnyPackage(EVALUATION, RUNTIMES, EMBEDDED, PLATFORM, WORKER, PROPOSER, LAUNCHER)
                .check(classes);
        noClasses().that().resideInAPackage(EVALUATION).should().dependOnClassesThat()
                .resideInAnyPackage(LINEAGE, EMBEDDED, PLATFORM, WORKER, PROPOSER, LAUNCHER)
                .check(classes);
        noClasses().that().resideInAnyPackage(RUNTIMES, EMBEDDED).should().dependOnClassesThat()
                .resideInAnyPackage(LINEAGE, EVALUATION, PLATFORM, WORKER, PROPOSER, LAUNCHER)
                .check(classes);
    }

    @Test
    void theAppsNeverDependOnEachOtherNorOnTheLauncher() {
        noClasses().that().resideInAPackage(PLATFORM).should().dependOnClassesThat()
                .resideInAnyPackage(WORKER, PROPOSER, LAUNCHER).check(classes);
        noClasses().that().resideInAPackage(WORKER).should().dependOnClassesThat()
                .resideInAnyPackage(PLATFORM, PROPOSER, LAUNCHER).check(classes);
        noClasses().that().resideInAPackage(PROPOSER).should().dependOnClassesThat()
                .resideInAnyPackage(PLATFORM, WORKER, LAUNCHER, EVALUATION).check(classes);
    }
}
