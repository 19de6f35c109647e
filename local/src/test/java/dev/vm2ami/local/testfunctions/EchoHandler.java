package dev.vm2ami.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.LinkedHashMap;
import java.util.Map;

/** Test function: answers with its input, a variable of its environment and its function name. */
public class EchoHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        context.getLogger().log("echo " + input);
        Map<String, Object> out = new LinkedHashMap<>(input);
        out.put("greeting", System.getenv("GREETING"));
        out.put("functionName", context.getFunctionName());
        out.put("developerShellLeaks", System.getenv("HOME") != null);
        if (input.containsKey("sleepMs")) {
            try {
                Thread.sleep(((Number) input.get("sleepMs")).longValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }
}
