package dev.looplab.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServicesConfigTest {

    @Test
    void withNoVariablesEverythingIsEmbeddedAndDurableUnderTheHome() {
        // given only a home
        ServicesConfig cfg = ServicesConfig.from(Map.of("LOOPLAB_HOME", "/srv/looplab"));

        // then every service is embedded under it, durable, with topics
        assertThat(cfg.dbUrl()).isNull();
        assertThat(cfg.kafkaBootstrap()).isNull();
        assertThat(cfg.s3Endpoint()).isNull();
        assertThat(cfg.serviceDir("postgres")).isEqualTo(Path.of("/srv/looplab/postgres"));
        assertThat(cfg.durable()).isTrue();
        assertThat(cfg.createTopics()).isTrue();
    }

    @Test
    void anS3EndpointWithoutCredentialsIsRefusedWithTheFix() {
        // when an external S3 is named without keys
        // then the error names the endpoint and the variables to set
        assertThatThrownBy(() -> ServicesConfig.from(Map.of("LOOPLAB_S3_ENDPOINT", "http://minio:9000")))
                .hasMessageContaining("http://minio:9000")
                .hasMessageContaining("LOOPLAB_S3_ACCESS_KEY");
    }

    @Test
    void aDatabaseUrlThatIsNotPostgresIsRefused() {
        assertThatThrownBy(() -> ServicesConfig.from(Map.of("LOOPLAB_DB_URL", "jdbc:mysql://db/looplab")))
                .hasMessageContaining("jdbc:mysql://db/looplab")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void forTestsIsTemporaryNonDurableAndTopicsAreOptional() {
        // given the test config without topics
        ServicesConfig cfg = ServicesConfig.forTests().withTopics(false);

        // then it has no home, is not durable and creates no topics
        assertThat(cfg.home()).isNull();
        assertThat(cfg.serviceDir("kafka")).isNull();
        assertThat(cfg.durable()).isFalse();
        assertThat(cfg.createTopics()).isFalse();
    }
}
