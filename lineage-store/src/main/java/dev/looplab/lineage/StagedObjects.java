package dev.looplab.lineage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.transport.PackParser;

/**
 * The objects of trials being recorded, held in memory until each trial is accepted, so a refused trial
 * writes nothing and the accepted ones go to disk together (one pack for a group). A trial's reads see its own
 * objects, then the repository's.
 */
final class StagedObjects {

    private record Staged(int type, byte[] data) {
    }

    private final ObjectReader repository;
    private final Map<ObjectId, Staged> accepted = new LinkedHashMap<>();

    StagedObjects(ObjectReader repository) {
        this.repository = repository;
    }

    /** An inserter for one trial's objects; they join the accepted ones on {@link Trial#accept}. */
    Trial begin() {
        return new Trial();
    }

    /** Inserts every accepted object into {@code inserter}, in the order they were staged; no flush. */
    void writeTo(ObjectInserter inserter) throws IOException {
        for (Map.Entry<ObjectId, Staged> object : accepted.entrySet()) {
            ObjectId written = inserter.insert(object.getValue().type(), object.getValue().data());
            if (!written.equals(object.getKey())) {
                throw new IllegalStateException("staged object " + object.getKey().name() + " was written as "
                        + written.name());
            }
        }
    }

    /** Collects one trial's objects; never touches the disk. */
    final class Trial extends ObjectInserter {

        private final Map<ObjectId, Staged> objects = new LinkedHashMap<>();

        /** Makes this trial's objects part of what {@link #writeTo} writes. */
        void accept() {
            objects.forEach(accepted::putIfAbsent);
            objects.clear();
        }

        @Override
        public ObjectId insert(int type, byte[] data, int off, int len) {
            ObjectId id = idFor(type, data, off, len);
            objects.putIfAbsent(id, new Staged(type, Arrays.copyOfRange(data, off, off + len)));
            return id;
        }

        @Override
        public ObjectId insert(int type, long length, InputStream in) throws IOException {
            if (length > Integer.MAX_VALUE - 8) {
                throw new IOException("object of " + length + " bytes is too large to stage in memory");
            }
            byte[] data = in.readNBytes((int) length);
            if (data.length != length) {
                throw new IOException("object stream ended after " + data.length + " of " + length + " bytes");
            }
            return insert(type, data, 0, data.length);
        }

        @Override
        public PackParser newPackParser(InputStream in) {
            throw new UnsupportedOperationException("a trial's objects are staged one by one, not from a pack");
        }

        @Override
        public ObjectReader newReader() {
            return new Reader(objects);
        }

        @Override
        public void flush() {
            // Nothing to do: the objects reach the disk through writeTo once the trial is accepted.
        }

        @Override
        public void close() {
            // Nothing held but memory.
        }
    }

    private final class Reader extends ObjectReader.Filter {

        private final Map<ObjectId, Staged> current;

        Reader(Map<ObjectId, Staged> current) {
            this.current = current;
        }

        @Override
        protected ObjectReader delegate() {
            return repository;
        }

        private Staged staged(AnyObjectId id) {
            return current.get(id);
        }

        @Override
        public ObjectReader newReader() {
            return new Reader(current);
        }

        @Override
        public boolean has(AnyObjectId id) throws IOException {
            return staged(id) != null || repository.has(id);
        }

        @Override
        public boolean has(AnyObjectId id, int typeHint) throws IOException {
            return staged(id) != null || repository.has(id, typeHint);
        }

        @Override
        public ObjectLoader open(AnyObjectId id) throws IOException {
            return open(id, OBJ_ANY);
        }

        @Override
        public ObjectLoader open(AnyObjectId id, int typeHint) throws IOException {
            Staged object = staged(id);
            if (object == null) {
                return repository.open(id, typeHint);
            }
            if (typeHint != OBJ_ANY && typeHint != object.type()) {
                throw new IncorrectObjectTypeException(id.copy(), typeHint);
            }
            return new ObjectLoader.SmallObject(object.type(), object.data());
        }

        @Override
        public long getObjectSize(AnyObjectId id, int typeHint) throws IOException {
            Staged object = staged(id);
            return object == null ? repository.getObjectSize(id, typeHint) : object.data().length;
        }

        @Override
        public Collection<ObjectId> resolve(AbbreviatedObjectId id) throws IOException {
            return repository.resolve(id);
        }

        @Override
        public Set<ObjectId> getShallowCommits() throws IOException {
            return repository.getShallowCommits();
        }

        @Override
        public void close() {
            // The repository reader belongs to the group, which closes it.
        }
    }
}
