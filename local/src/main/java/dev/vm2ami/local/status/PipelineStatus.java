package dev.vm2ami.local.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.importtask.ImportStages;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The images in flight and recently finished, read from the import state machine: ListExecutions
 * (running ones, and those stopped within {@code recent}), and for each the latest job document in
 * its history (the input of the state it is in, or the output of the last state it left).
 */
public final class PipelineStatus {
    /** The newest history events hold the latest job; a state's entry and exit are two events. */
    private static final int HISTORY_EVENTS = 40;

    private final SfnClient sfn;
    private final String stateMachineArn;
    private final ImageStatuses statuses;
    private final Clock clock;

    public PipelineStatus(SfnClient sfn, String stateMachineArn, Clock clock) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.statuses = new ImageStatuses(ImportStages.measured());
        this.clock = clock;
    }

    /** In flight first (oldest first), then the finished ones, newest first; at most {@code limit} finished ones. */
    public List<ImageStatus> read(Duration recent, int limit) {
        Instant now = clock.instant();
        List<ImageStatus> running = new ArrayList<>();
        for (ExecutionListItem e : executions(ExecutionStatus.RUNNING, Integer.MAX_VALUE, null)) {
            running.add(status(e, now));
        }
        running.sort(Comparator.comparing(ImageStatus::startedAt));
        List<ImageStatus> finished = new ArrayList<>();
        Instant since = now.minus(recent);
        for (ExecutionStatus s : List.of(ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.ABORTED,
                ExecutionStatus.TIMED_OUT)) {
            for (ExecutionListItem e : executions(s, limit, since)) {
                finished.add(status(e, now));
            }
        }
        finished.sort(Comparator.comparing(ImageStatus::startedAt).reversed());
        // An execution that finished between the two listings is shown once, finished.
        running.removeIf(r -> finished.stream().anyMatch(f -> f.executionName().equals(r.executionName())));
        List<ImageStatus> all = new ArrayList<>(running);
        all.addAll(finished.subList(0, Math.min(limit, finished.size())));
        return all;
    }

    /** Executions with this status, newest first (as ListExecutions returns them), stopped after {@code since}. */
    private List<ExecutionListItem> executions(ExecutionStatus status, int limit, Instant since) {
        List<ExecutionListItem> out = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            ListExecutionsResponse response = sfn.listExecutions(r -> r.stateMachineArn(stateMachineArn)
                    .statusFilter(status).maxResults(100).nextToken(page));
            for (ExecutionListItem e : response.executions()) {
                if (since != null && e.stopDate() != null && e.stopDate().isBefore(since)) continue;
                out.add(e);
            }
            token = response.nextToken();
            // Newest first: once a page ends before 'since', older pages hold nothing recent.
            boolean older = since != null && !response.executions().isEmpty()
                    && response.executions().get(response.executions().size() - 1).startDate().isBefore(since);
            if (out.size() >= limit || older) break;
        } while (token != null && !token.isEmpty());
        return out;
    }

    private ImageStatus status(ExecutionListItem e, Instant now) {
        List<HistoryEvent> events = newestFirst(e.executionArn());
        ImportJob job = null;
        String state = null;
        for (HistoryEvent event : events) {
            if (state == null && event.stateEnteredEventDetails() != null) state = event.stateEnteredEventDetails().name();
            String document = event.stateEnteredEventDetails() != null ? event.stateEnteredEventDetails().input()
                    : event.stateExitedEventDetails() != null ? event.stateExitedEventDetails().output()
                    : event.executionStartedEventDetails() != null ? event.executionStartedEventDetails().input() : null;
            job = job(document);
            if (job != null) break;
        }
        boolean running = e.status() == ExecutionStatus.RUNNING;
        return statuses.of(new ImageStatuses.Execution(e.name(), e.statusAsString(), e.startDate(), e.stopDate()),
                job, running ? state : null, now);
    }

    /** The newest events of the execution's history (the SDK's reverse order; sorted by id, whatever the endpoint did). */
    private List<HistoryEvent> newestFirst(String executionArn) {
        GetExecutionHistoryResponse history = sfn.getExecutionHistory(r -> r.executionArn(executionArn)
                .reverseOrder(true).maxResults(HISTORY_EVENTS).includeExecutionData(true));
        List<HistoryEvent> events = new ArrayList<>(history.events());
        events.sort(Comparator.comparingLong(HistoryEvent::id).reversed());
        return events;
    }

    /** The document when it is a job (has an execution name and a source), else null. */
    private static ImportJob job(String document) {
        if (document == null || document.isBlank()) return null;
        try {
            JsonNode node = Json.MAPPER.readTree(document);
            if (!node.isObject() || !node.hasNonNull("executionName") || !node.hasNonNull("source")) return null;
            return Json.MAPPER.treeToValue(node, ImportJob.class);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
