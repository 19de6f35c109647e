package dev.vm2ami.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/** Test function: always fails, the way a handler with a bug does. */
public class FailingHandler implements RequestHandler<Map<String, Object>, Object> {
    @Override
    public Object handleRequest(Map<String, Object> input, Context context) {
        throw new IllegalStateException("cannot process this batch");
    }
}
