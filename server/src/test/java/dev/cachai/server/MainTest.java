package dev.cachai.server;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    private static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";
    private final ResourceLeakDetector.Level levelBefore = ResourceLeakDetector.getLevel();
    private final String propertyBefore = System.getProperty(LEVEL_PROPERTY);

    @AfterEach
    void restore() {
        ResourceLeakDetector.setLevel(levelBefore);
        if (propertyBefore == null) {
            System.clearProperty(LEVEL_PROPERTY);
        } else {
            System.setProperty(LEVEL_PROPERTY, propertyBefore);
        }
    }

    @Test
    void aServedNodeSamplesNoBuffersForLeakReports() {
        System.clearProperty(LEVEL_PROPERTY);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        Main.sampleNoLeaksUnlessAsked();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
    }

    @Test
    void anOperatorWhoAsksForLeakReportsKeepsThem() {
        System.setProperty(LEVEL_PROPERTY, "paranoid");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Main.sampleNoLeaksUnlessAsked();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }
}
