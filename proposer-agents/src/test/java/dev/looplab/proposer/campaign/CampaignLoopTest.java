package dev.looplab.proposer.campaign;

import dev.looplab.trial.TrialStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.looplab.events.Json;
import dev.looplab.events.OutcomeRecorded;
import dev.looplab.events.Proposal;
import dev.looplab.events.Topics;
import dev.looplab.trial.TrialStatus;
import dev.looplab.proposer.RecipeFixtures;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.proposer.platform.CampaignStatus;
import dev.looplab.proposer.specialist.LearningRateSpecialist;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = ProposerServices.class, restrictToAnnotatedClass = true)
class CampaignLoopTest {
    static final String CAMPAIGN = ProposerServices.CAMPAIGN;

    @Inject
    CampaignLoop loop;

    @Inject
    LearningRateSpecialist lrTuner;

    KafkaConsumer<String, String> proposals;
    final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    @BeforeEach
    void subscribe() {
        proposals = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ProposerServices.kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        proposals.subscribe(List.of(Topics.PROPOSALS));
    }

    @AfterEach
    void close() {
        proposals.close();
    }

    @Test
    void proposesWhenTheCampaignIsIdleWaitsForThePlatformAndLearnsFromTheOutcome() {
        FakePlatform platform = ProposerServices.platform;
        platform.file("t0", "Recipe.java", RecipeFixtures.SAMPLE);

        // given a campaign the platform does not know, then one whose baseline has no score yet
        platform.campaign(null);
        assertThat(loop.proposeIfIdle()).isEqualTo(TickResult.NO_CAMPAIGN);
        platform.campaign(new CampaignStatus(CAMPAIGN, "golf-mini", "t0", null, "lower", 1, 0, 90));
        assertThat(loop.proposeIfIdle()).isEqualTo(TickResult.NO_BASELINE);

        // when the baseline is scored and nothing is in flight
        platform.campaign(new CampaignStatus(CAMPAIGN, "golf-mini", "t0", 1.25, "lower", 0, 1, 90));

        // then the lr-tuner's proposal on t0 appears on looplab.proposals, keyed by campaign
        ConsumerRecord<String, String> first = awaitProposals(1).get(0);
        assertThat(first.key()).isEqualTo(CAMPAIGN);
        Proposal p1 = Json.read(first.value(), Proposal.class);
        assertThat(p1.schema()).isEqualTo(Proposal.SCHEMA);
        assertThat(p1.specialist()).isEqualTo(LearningRateSpecialist.NAME);
        assertThat(p1.surface()).isEqualTo("optimizer");
        assertThat(p1.parentTrial()).isEqualTo("t0");
        assertThat(p1.task()).isEqualTo("golf-mini");
        assertThat(p1.diff()).contains("+++ b/Recipe.java").contains("-    static final float LR = 3e-3f;");
        assertThat(p1.hypothesis()).containsPattern("^(Raising|Lowering) LR from 3\\.0e-03");

        // and while the platform has not processed it, the loop waits instead of proposing again
        assertThat(loop.pending()).extracting(p -> p.proposal().proposalId()).containsExactly(p1.proposalId());
        assertThat(loop.proposeIfIdle()).isEqualTo(TickResult.WAITING_FOR_PLATFORM);
        assertThat(ProposerServices.home.resolve("proposer").resolve(CAMPAIGN + ".pending.jsonl"))
                .content().contains(p1.proposalId());

        // when the platform accepts it as t1 (in flight), the trial is kept and its outcome arrives on looplab.outcomes
        platform.campaign(new CampaignStatus(CAMPAIGN, "golf-mini", "t0", 1.25, "lower", 1, 1, 90));
        String t1Recipe = applyLr(p1);
        platform.file("t1", "Recipe.java", t1Recipe);
        platform.processed(p1.proposalId(), "t1");
        publishOutcome(new OutcomeRecorded(OutcomeRecorded.SCHEMA, p1.proposalId(), "t1", CAMPAIGN, "golf-mini",
                LearningRateSpecialist.NAME, "t0", TrialStatus.keep, 1.20, -0.05, -0.05, "t1", 1.20,
                "val bpb improved by 0.05; the loss curve fell faster in the first 30 s", System.currentTimeMillis()));

        // then the specialist's memory records the outcome of its own proposal
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(lrTuner.attempt(p1.proposalId())).get()
                        .satisfies(a -> assertThat(a.outcome()).isNotNull())
                        .satisfies(a -> assertThat(a.outcome().status()).isEqualTo(TrialStatus.keep)));

        // when t1 becomes the best and the campaign is idle again
        platform.campaign(new CampaignStatus(CAMPAIGN, "golf-mini", "t1", 1.20, "lower", 0, 2, 90));

        // then the next proposal builds on t1, keeps the direction that helped and cites the feedback
        Proposal p2 = Json.read(awaitProposals(2).get(1).value(), Proposal.class);
        assertThat(p2.parentTrial()).isEqualTo("t1");
        assertThat(p2.proposalId()).isNotEqualTo(p1.proposalId());
        assertThat(p2.hypothesis()).contains("last outcome: keep").contains("fell faster in the first 30 s");
        double lr0 = 3e-3;
        double lr1 = KnobParser.find(t1Recipe, "LR").orElseThrow().numericValue();
        double lr2 = KnobParser.find(applyLr(p2, t1Recipe), "LR").orElseThrow().numericValue();
        assertThat(Math.signum(lr2 - lr1)).isEqualTo(Math.signum(lr1 - lr0));
    }

    private List<ConsumerRecord<String, String>> awaitProposals(int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            proposals.poll(Duration.ofMillis(200)).forEach(r -> {
                if (CAMPAIGN.equals(r.key())) {
                    seen.add(r);
                }
            });
            return seen.size() >= count;
        });
        return seen;
    }

    private static void publishOutcome(OutcomeRecorded outcome) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ProposerServices.kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.OUTCOMES, outcome.campaign(), Json.write(outcome)));
            producer.flush();
        }
    }

    private static String applyLr(Proposal p) {
        return applyLr(p, RecipeFixtures.SAMPLE);
    }

    /** The parent recipe with the LR line the proposal's diff adds (the diff's round trip through git is tested in LearningRateSpecialistTest). */
    private static String applyLr(Proposal p, String parent) {
        String added = p.diff().lines().filter(l -> l.startsWith("+") && !l.startsWith("+++")).findFirst().orElseThrow();
        return KnobParser.rewrite(parent, "LR", KnobParser.find(added.substring(1), "LR").orElseThrow().literal());
    }
}
