package dev.looplab.launcher;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** looplab up starts one worker per GPU listed in LOOPLAB_WORKER_DEVICES, each owning one. */
class WorkerDevicesTest {

    @Test
    void fourListedGpusStartFourWorkersEachWithOne() {
        Map<String, String> env = Map.of("LOOPLAB_WORKER_DEVICES", "0, 1,2,3");
        assertThat(Stack.workerDevices(env)).containsExactly("0", "1", "2", "3");
        assertThat(Stack.workerCount(env)).isEqualTo(4);
        assertThat(Stack.workerCount(Map.of("LOOPLAB_WORKER_DEVICES", "0,1", "LOOPLAB_WORKERS", "2"))).isEqualTo(2);
    }

    @Test
    void oneGpuOrNoneKeepsTheWorkerCountAsAsked() {
        assertThat(Stack.workerCount(Map.of("LOOPLAB_WORKER_DEVICES", "1"))).isEqualTo(1);
        assertThat(Stack.workerCount(Map.of())).isEqualTo(1);
        assertThat(Stack.workerCount(Map.of("LOOPLAB_WORKERS", "3"))).isEqualTo(3);
        assertThat(Stack.workerDevices(Map.of())).isEmpty();
    }

    @Test
    void aWorkerCountThatDisagreesWithTheGpusIsRefusedSayingWhy() {
        assertThatThrownBy(() -> Stack.workerCount(Map.of("LOOPLAB_WORKER_DEVICES", "0,1", "LOOPLAB_WORKERS", "3")))
                .hasMessageContaining("lists 2 GPUs but LOOPLAB_WORKERS=3").hasMessageContaining("one worker per GPU");
    }
}
