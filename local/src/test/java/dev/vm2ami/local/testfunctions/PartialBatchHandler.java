package dev.vm2ami.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test function: reports every SQS record whose body says "fail" as a batch item failure. */
public class PartialBatchHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        List<Map<String, String>> failures = new ArrayList<>();
        for (Map<String, Object> record : (List<Map<String, Object>>) event.get("Records")) {
            context.getLogger().log("record " + record.get("body") + "\n");
            if ("fail".equals(record.get("body"))) failures.add(Map.of("itemIdentifier", (String) record.get("messageId")));
        }
        return Map.of("batchItemFailures", failures);
    }
}
