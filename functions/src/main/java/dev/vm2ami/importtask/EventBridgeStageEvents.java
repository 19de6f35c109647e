package dev.vm2ami.importtask;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vm2ami.job.Json;
import dev.vm2ami.wiring.ImportEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Stage changes as EventBridge events ({@code source: vm2ami}, {@code detail-type: Import Stage
 * Changed}) on the default bus. A progress event is not worth failing an import for: PutEvents'
 * errors (throttling after the SDK's retries, a missing permission, a failed entry) are logged.
 */
public final class EventBridgeStageEvents implements StageEvents {
    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeStageEvents.class);

    private final EventBridgeClient events;

    public EventBridgeStageEvents(EventBridgeClient events) {
        this.events = events;
    }

    @Override
    public void publish(StageChange change) {
        try {
            String detail = Json.MAPPER.writeValueAsString(change);
            PutEventsResponse response = events.putEvents(r -> r.entries(e -> e.eventBusName(ImportEvents.EVENT_BUS)
                    .source(ImportEvents.SOURCE).detailType(ImportEvents.STAGE_CHANGED).detail(detail)));
            if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
                PutEventsResultEntry failed = response.entries().get(0);
                LOG.warn("stage event for {} not put: {} {}", change.executionName(), failed.errorCode(), failed.errorMessage());
            }
        } catch (SdkException | JsonProcessingException e) {
            LOG.warn("stage event for {} ({} -> {}) not put: {}", change.executionName(), change.previousStage(),
                    change.stage(), e.getMessage());
        }
    }
}
