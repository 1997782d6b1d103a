package dev.looplab.evaluation.golf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import dev.looplab.evaluation.scoring.DataSplit;

/**
 * The golf-mini corpus: Debian's English fortunes, split into records on lines holding only
 * {@code %}, de-duplicated and shuffled with a fixed seed. The end of the shuffled corpus is held out
 * for the evaluator, never written to training: the last {@link #HELD_OUT_BYTES} bytes of whole records
 * are the validation slice every trial is scored on, and the {@link #TEST_BYTES} bytes of whole records
 * before them are the test slice, scored only for a new best. Training is everything before the test slice.
 */
public final class GolfMiniData implements DataSplit {
    /** Where Debian's {@code fortunes} package installs its plain-text files. */
    public static final Path DEBIAN_FORTUNES = Path.of("/usr/share/games/fortunes");
    /** Size of the held-out slice: scoring it takes a few seconds on two cores. */
    public static final int HELD_OUT_BYTES = 16 * 1024;
    /**
     * Size of the test slice: two validation slices, so its estimate is tighter than the one the search fits; every
     * scored trial pays for scoring it (twice the validation slice's time), so not larger.
     */
    public static final int TEST_BYTES = 32 * 1024;
    static final long SHUFFLE_SEED = 20240520L;
    private static final byte[] SEPARATOR = "%\n".getBytes(StandardCharsets.ISO_8859_1);

    private final byte[] train;
    private final byte[] heldOut;
    private final byte[] test;
    private final List<String> sources;

    private GolfMiniData(byte[] train, byte[] heldOut, byte[] test, List<String> sources) {
        this.train = train;
        this.heldOut = heldOut;
        this.test = test;
        this.sources = sources;
    }

    /** Reads the fortunes installed by Debian. */
    public static GolfMiniData fromDebianFortunes() {
        return fromFortunesDir(DEBIAN_FORTUNES);
    }

    /**
     * Reads every plain fortune file of {@code dir} (those with a {@code .dat} index beside them; the
     * {@code off/} folder of offensive fortunes is not read) and splits it.
     */
    public static GolfMiniData fromFortunesDir(Path dir) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile)
                    .filter(p -> !Files.isSymbolicLink(p))
                    .filter(p -> !p.getFileName().toString().contains("."))
                    .filter(p -> Files.isRegularFile(p.resolveSibling(p.getFileName() + ".dat")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new MissingCorpusException(dir);
        }
        if (files.isEmpty()) {
            throw new MissingCorpusException(dir);
        }
        List<byte[]> records = new ArrayList<>();
        for (Path file : files) {
            try {
                records.addAll(splitRecords(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read fortune file " + file, e);
            }
        }
        // the same fortune appears in several files: keep one copy, or it could sit on both sides of the split
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(records.stream()
                .map(r -> new String(r, StandardCharsets.ISO_8859_1)).toList()));
        // a fixed shuffle so that neighbouring fortunes of one file land on both sides of the split
        Collections.shuffle(unique, new Random(SHUFFLE_SEED));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Integer> boundaries = new ArrayList<>();
        for (String record : unique) {
            boundaries.add(all.size());
            all.writeBytes(record.getBytes(StandardCharsets.ISO_8859_1));
            all.writeBytes(SEPARATOR);
        }
        byte[] corpus = all.toByteArray();
        int needed = 4 * HELD_OUT_BYTES + TEST_BYTES;
        if (corpus.length < needed) {
            throw new IllegalStateException("fortunes in " + dir + " hold only " + corpus.length
                    + " bytes; golf-mini needs at least " + needed + ": install Debian package fortunes");
        }
        // cut on record boundaries so no fortune is split between training, the test and the validation slice;
        // the validation slice is where it always was, so scores stay comparable with earlier campaigns
        int cut = lastBoundaryAtMost(boundaries, corpus.length - HELD_OUT_BYTES);
        int testCut = lastBoundaryAtMost(boundaries, cut - TEST_BYTES);
        byte[] train = Arrays.copyOfRange(corpus, 0, testCut);
        // the test slice's last record is cut short; its rest (before the validation slice) is used nowhere
        byte[] test = Arrays.copyOfRange(corpus, testCut, testCut + TEST_BYTES);
        byte[] heldOut = Arrays.copyOfRange(corpus, cut, cut + HELD_OUT_BYTES);
        return new GolfMiniData(train, heldOut, test, files.stream().map(p -> p.getFileName().toString()).toList());
    }

    private static int lastBoundaryAtMost(List<Integer> boundaries, int limit) {
        int cut = 0;
        for (int boundary : boundaries) {
            if (boundary <= limit) {
                cut = boundary;
            }
        }
        return cut;
    }

    /** Records of one fortune file: the text between lines that hold only {@code %}. */
    static List<byte[]> splitRecords(byte[] file) {
        // ISO-8859-1 maps bytes 1:1, so splitting text keeps the exact bytes of any encoding
        String text = new String(file, StandardCharsets.ISO_8859_1);
        List<byte[]> records = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.equals("%")) {
                flush(current, records);
            } else {
                current.append(line).append('\n');
            }
        }
        flush(current, records);
        return records;
    }

    private static void flush(StringBuilder current, List<byte[]> records) {
        String record = current.toString();
        current.setLength(0);
        if (!record.isBlank()) {
            records.add(record.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** Writes the training split to {@code file}; returns its sha256. */
    @Override
    public String writeTraining(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.write(file, train);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write golf-mini training data to " + file, e);
        }
        return trainSha256();
    }

    @Override
    public long trainBytes() {
        return train.length;
    }

    public byte[] train() {
        return train.clone();
    }

    /** The validation slice: every trial is scored on it, so the search selects on it. */
    public byte[] heldOut() {
        return heldOut.clone();
    }

    /** The test slice: held out like the validation slice and scored only for a new best. */
    public byte[] test() {
        return test.clone();
    }

    @Override
    public String trainSha256() {
        return DataSplit.sha256(train);
    }

    @Override
    public String heldOutSha256() {
        return DataSplit.sha256(heldOut);
    }

    @Override
    public String testSha256() {
        return DataSplit.sha256(test);
    }

    /** The fortune files the corpus was read from. */
    public List<String> sources() {
        return sources;
    }

    /** The fortunes corpus is not installed. */
    public static final class MissingCorpusException extends IllegalStateException {
        MissingCorpusException(Path dir) {
            super("no fortune files in " + dir + ": install Debian package fortunes (apt-get install -y fortunes)");
        }
    }
}
