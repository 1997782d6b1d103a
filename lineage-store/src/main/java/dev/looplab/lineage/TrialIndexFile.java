package dev.looplab.lineage;

import dev.looplab.trial.TrialStatus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The saved copy of a {@link TrialIndex}: {@code looplab-trial-index} in the repository folder (git ignores it,
 * clones do not carry it). It holds per trial what a cold load would parse from its commit and outcome note, and
 * the notes tree those outcomes were read from, so an open parses only what changed since. A checksum over the
 * whole file catches truncated and overwritten copies; whether the content still matches git is for the index to
 * check.
 */
final class TrialIndexFile {

    static final String NAME = "looplab-trial-index";
    private static final byte[] MAGIC = "looplab-trial-index\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final int CHECKSUM_BYTES = Long.BYTES;
    private static final byte OUTCOMES_NEVER_READ = 0;
    private static final byte NO_NOTES = 1;
    private static final byte NOTES_TREE = 2;
    private static final int KNOWN = 1;
    private static final int HAS_SCORE = 2;

    /**
     * A readable saved copy: unlinked nodes by trial id, each with its commit's facts and, when
     * {@code outcomeKnown}, its outcome as of {@code notesTree}. That is null when outcomes were never read,
     * {@link ObjectId#zeroId()} when there was no notes ref, else the tree of {@code refs/notes/outcomes}.
     */
    record Saved(ObjectId notesCommit, ObjectId notesTree, Map<String, TrialTree.Node> nodes) {
    }

    /** Why a saved copy was not used; the message names the file and the damage. */
    static final class DamagedException extends Exception {
        DamagedException(String message) {
            super(message);
        }
    }

    private final Path path;

    TrialIndexFile(Path gitDir) {
        this.path = gitDir.resolve(NAME);
    }

    Path path() {
        return path;
    }

    /** The saved copy, or null when there is none. */
    Saved read() throws DamagedException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new DamagedException("saved trial index " + path + " cannot be read (" + e.getMessage() + ")");
        }
        if (bytes.length < MAGIC.length + Integer.BYTES + CHECKSUM_BYTES
                || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new DamagedException("saved trial index " + path + " is not a version " + VERSION
                    + " index (" + bytes.length + " bytes, written by an older store or not an index)");
        }
        int body = bytes.length - CHECKSUM_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, body);
        if (crc.getValue() != ByteBuffer.wrap(bytes, body, CHECKSUM_BYTES).getLong()) {
            throw new DamagedException("saved trial index " + path + " fails its checksum (" + bytes.length
                    + " bytes: truncated or overwritten)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length,
                body - MAGIC.length))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new DamagedException("saved trial index " + path + " has version " + version + ", this store"
                        + " reads version " + VERSION);
            }
            byte outcomes = in.readByte();
            ObjectId notesCommit = null;
            ObjectId notesTree = null;
            if (outcomes == NO_NOTES) {
                notesTree = ObjectId.zeroId();
            } else if (outcomes == NOTES_TREE) {
                notesCommit = readId(in);
                notesTree = readId(in);
            } else if (outcomes != OUTCOMES_NEVER_READ) {
                throw new DamagedException("saved trial index " + path + " has an unknown outcome marker " + outcomes);
            }
            String[] strings = new String[in.readInt()];
            for (int i = 0; i < strings.length; i++) {
                strings[i] = in.readUTF();
            }
            int count = in.readInt();
            Map<String, TrialTree.Node> nodes = new HashMap<>(count * 4 / 3 + 1);
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                ObjectId commit = readId(in);
                ObjectId parent = in.readBoolean() ? readId(in) : null;
                int time = in.readInt();
                TrialTree.Node node = new TrialTree.Node(id, commit, parent, string(strings, in.readInt()), time);
                int flags = in.readByte();
                node.status = TrialStatus.of(string(strings, in.readInt())).orElse(null);
                node.score = (flags & HAS_SCORE) != 0 ? in.readDouble() : null;
                node.outcomeKnown = (flags & KNOWN) != 0 && notesTree != null;
                nodes.put(id, node);
            }
            if (in.available() != 0) {
                throw new DamagedException("saved trial index " + path + " has " + in.available()
                        + " bytes after its last trial");
            }
            return new Saved(notesCommit, notesTree, nodes);
        } catch (IOException | IndexOutOfBoundsException e) {
            // The checksum matched, so this is a writer bug rather than damage; still never trusted.
            throw new DamagedException("saved trial index " + path + " cannot be parsed (" + e + ")");
        }
    }

    /** Replaces the saved copy in one rename, so a reader sees the old copy or the new one, never half. */
    void write(ObjectId notesCommit, ObjectId notesTree, Collection<TrialTree.Node> nodes) throws IOException {
        Map<String, Integer> table = new HashMap<>();
        List<String> strings = new ArrayList<>();
        for (TrialTree.Node node : nodes) {
            intern(table, strings, node.specialist);
            intern(table, strings, node.status == null ? null : node.status.name());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + nodes.size() * 72);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            if (notesTree == null) {
                out.writeByte(OUTCOMES_NEVER_READ);
            } else if (notesTree.equals(ObjectId.zeroId())) {
                out.writeByte(NO_NOTES);
            } else {
                out.writeByte(NOTES_TREE);
                writeId(out, notesCommit == null ? ObjectId.zeroId() : notesCommit);
                writeId(out, notesTree);
            }
            out.writeInt(strings.size());
            for (String string : strings) {
                out.writeUTF(string);
            }
            out.writeInt(nodes.size());
            for (TrialTree.Node node : nodes) {
                out.writeUTF(node.id);
                writeId(out, node.commit);
                out.writeBoolean(node.parentCommit != null);
                if (node.parentCommit != null) {
                    writeId(out, node.parentCommit);
                }
                out.writeInt(node.commitTime);
                out.writeInt(index(table, node.specialist));
                boolean known = node.outcomeKnown && notesTree != null;
                out.writeByte((known ? KNOWN : 0) | (known && node.score != null ? HAS_SCORE : 0));
                out.writeInt(known ? index(table, node.status == null ? null : node.status.name()) : -1);
                if (known && node.score != null) {
                    out.writeDouble(node.score);
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        }
        Path temporary = Files.createTempFile(path.getParent(), NAME, ".tmp");
        try {
            Files.write(temporary, bytes.toByteArray());
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void intern(Map<String, Integer> table, List<String> strings, String value) {
        if (value != null && !table.containsKey(value)) {
            table.put(value, strings.size());
            strings.add(value);
        }
    }

    private static int index(Map<String, Integer> table, String value) {
        return value == null ? -1 : table.get(value);
    }

    private static String string(String[] strings, int index) {
        return index < 0 ? null : strings[index];
    }

    private static ObjectId readId(DataInputStream in) throws IOException {
        byte[] raw = new byte[Constants.OBJECT_ID_LENGTH];
        in.readFully(raw);
        return ObjectId.fromRaw(raw);
    }

    private static void writeId(DataOutputStream out, ObjectId id) throws IOException {
        byte[] raw = new byte[Constants.OBJECT_ID_LENGTH];
        id.copyRawTo(raw, 0);
        out.write(raw);
    }
}
