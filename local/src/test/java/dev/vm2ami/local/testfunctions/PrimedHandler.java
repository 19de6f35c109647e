package dev.vm2ami.local.testfunctions;

import com.amazonaws.services.lambda.crac.Context;
import com.amazonaws.services.lambda.crac.Core;
import com.amazonaws.services.lambda.crac.Resource;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/**
 * Test function with a CRaC resource (registered with the runtime client's context, where org.crac's
 * compat layer puts the vm2ami handlers' primers): answers whether its beforeCheckpoint and
 * afterRestore ran before this invocation, and how the runtime initialised it.
 */
public class PrimedHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private volatile boolean primed;
    private volatile boolean restored;
    private final Resource resource = new Resource() { // the context holds resources weakly: kept in a field
        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            primed = true;
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            restored = true;
        }
    };

    public PrimedHandler() {
        Core.getGlobalContext().register(resource);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, com.amazonaws.services.lambda.runtime.Context context) {
        return Map.of("primed", primed, "restored", restored,
                "initType", String.valueOf(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE")));
    }
}
