package dev.looplab.evaluation.airbench;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

import dev.looplab.evaluation.scoring.DataSplit;

/**
 * Fashion-MNIST as Debian's dataset-fashion-mnist ships it: the 60,000 training images go to the
 * recipe as one file (the IDX3 images file then the IDX1 labels file, uncompressed); the 10,000 t10k
 * images stay with the evaluator. Of those, {@link #TEST_IMAGES} chosen by a fixed-seed shuffle are the
 * test part, scored only for a new best; the other {@link #GATE_IMAGES} are the gate every trial meets.
 */
public final class FashionMnist implements DataSplit {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int SIDE = 28;
    public static final int PIXELS = SIDE * SIDE;
    public static final int CLASSES = 10;
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    /** t10k images held back from the gate as the never-searched test part. */
    public static final int TEST_IMAGES = 2_000;
    /** t10k images of the gate: the search's validation set. */
    public static final int GATE_IMAGES = 10_000 - TEST_IMAGES;
    /** The seed of the shuffle that picks the test part (golf-mini's corpus shuffle uses the same). */
    static final long SPLIT_SEED = 20240520L;

    private final byte[] trainFile;
    private final byte[] testPixels;
    private final byte[] testLabels;
    private final String trainSha256;
    private final String heldOutSha256;
    private final boolean[] testPart;
    private final String testSha256;

    private FashionMnist(byte[] trainFile, byte[] testPixels, byte[] testLabels) {
        this.trainFile = trainFile;
        this.testPixels = testPixels;
        this.testLabels = testLabels;
        this.trainSha256 = sha256(trainFile);
        this.testPart = testPart(testLabels.length);
        this.heldOutSha256 = sha256(part(false));
        this.testSha256 = sha256(part(true));
    }

    /**
     * Which of {@code count} t10k images are the test part: the last {@link #TEST_IMAGES} of a shuffle of their
     * indices with {@link #SPLIT_SEED}, so the part is spread over the file's order and the same on every machine.
     */
    static boolean[] testPart(int count) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, count).boxed().toList());
        Collections.shuffle(order, new Random(SPLIT_SEED));
        boolean[] test = new boolean[count];
        for (int i = count - TEST_IMAGES; i < count; i++) {
            test[order.get(i)] = true;
        }
        return test;
    }

    /** The pixels then labels of the gate part ({@code test} false) or the test part, in t10k order. */
    private byte[] part(boolean test) {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        for (int i = 0; i < testLabels.length; i++) {
            if (testPart[i] == test) {
                pixels.write(testPixels, i * PIXELS, PIXELS);
                labels.write(testLabels[i]);
            }
        }
        return concat(pixels.toByteArray(), labels.toByteArray());
    }

    /**
     * Whether t10k image {@code i} is in the test part (scored only for a new best) rather than the gate
     * (scored for every trial).
     */
    public boolean isTestImage(int i) {
        return testPart[i];
    }

    /** Images in the gate part. */
    public int gateCount() {
        return testLabels.length - testCount(true);
    }

    /** Images in the test part. */
    public int testPartCount() {
        return testCount(true);
    }

    private int testCount(boolean test) {
        int n = 0;
        for (boolean t : testPart) {
            if (t == test) {
                n++;
            }
        }
        return n;
    }

    /** Reads {@link #DEBIAN_DIR}. */
    public static FashionMnist fromDebianDataset() {
        return fromDir(DEBIAN_DIR);
    }

    /** Reads {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz} from {@code dir}; fails naming the package. */
    public static FashionMnist fromDir(Path dir) {
        try {
            byte[] trainImages = gunzip(file(dir, "train-images-idx3-ubyte.gz"));
            byte[] trainLabels = gunzip(file(dir, "train-labels-idx1-ubyte.gz"));
            Idx train = Idx.parse(trainImages, trainLabels, "train");
            Idx test = Idx.parse(gunzip(file(dir, "t10k-images-idx3-ubyte.gz")),
                    gunzip(file(dir, "t10k-labels-idx1-ubyte.gz")), "t10k");
            if (train.count() != 60_000 || test.count() != 10_000) {
                throw new IllegalStateException(dir + " holds " + train.count() + " training and " + test.count()
                        + " test images, not Fashion-MNIST's 60,000 and 10,000: reinstall dataset-fashion-mnist");
            }
            return new FashionMnist(concat(trainImages, trainLabels), test.pixels(), test.labels());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Fashion-MNIST from " + dir, e);
        }
    }

    /** Every held-out t10k image, gate and test part, {@code count() * 784} unsigned pixel bytes row-major. */
    public byte[] testPixels() {
        return testPixels;
    }

    /** The held-out labels 0..9. */
    public byte[] testLabels() {
        return testLabels;
    }

    public int testCount() {
        return testLabels.length;
    }

    @Override
    public long trainBytes() {
        return trainFile.length;
    }

    /** Writes the recipe's training file; returns its sha256. */
    @Override
    public String writeTraining(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(trainFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return trainSha256;
    }

    @Override
    public String trainSha256() {
        return trainSha256;
    }

    /** The gate part's sha256. */
    @Override
    public String heldOutSha256() {
        return heldOutSha256;
    }

    @Override
    public String testSha256() {
        return testSha256;
    }

    private static Path file(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " does not exist: install Debian package dataset-fashion-mnist "
                    + "(apt-get install dataset-fashion-mnist)");
        }
        return file;
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        return DataSplit.sha256(bytes);
    }

    /** One split's pixels and labels, checked against the IDX headers. */
    record Idx(byte[] pixels, byte[] labels, int count) {
        static Idx parse(byte[] images, byte[] labels, String split) throws IOException {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(images));
            if (in.readInt() != IMAGES_MAGIC) {
                throw new IOException(split + " images do not start with the IDX3 magic 0x00000803");
            }
            int count = in.readInt();
            if (in.readInt() != SIDE || in.readInt() != SIDE || images.length != 16 + count * PIXELS) {
                throw new IOException(split + " images are not " + count + " images of 28x28");
            }
            DataInputStream lin = new DataInputStream(new java.io.ByteArrayInputStream(labels));
            if (lin.readInt() != LABELS_MAGIC || lin.readInt() != count || labels.length != 8 + count) {
                throw new IOException(split + " labels do not match " + count + " images");
            }
            return new Idx(java.util.Arrays.copyOfRange(images, 16, images.length),
                    java.util.Arrays.copyOfRange(labels, 8, labels.length), count);
        }
    }
}
