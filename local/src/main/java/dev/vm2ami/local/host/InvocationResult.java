package dev.vm2ami.local.host;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an invocation returned: the payload and whether it is a function error (the payload is
 * then the error document Lambda returns: errorMessage, errorType, stackTrace).
 */
public record InvocationResult(byte[] payload, boolean functionError) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static InvocationResult error(String errorType, String message) {
        Map<String, String> document = new LinkedHashMap<>();
        document.put("errorType", errorType);
        document.put("errorMessage", message);
        try {
            return new InvocationResult(JSON.writeValueAsBytes(document), true);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of two strings always serialises", e);
        }
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
