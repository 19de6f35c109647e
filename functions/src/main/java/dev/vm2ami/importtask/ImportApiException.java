package dev.vm2ami.importtask;

/** EC2 answered an import call with an error (after the SDK's own retries). */
public final class ImportApiException extends RuntimeException {
    private final String code;
    private final int httpStatus;

    public ImportApiException(String code, String message, int httpStatus, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The caller's role may not do this: retrying cannot help. */
    public boolean denied() {
        return dev.vm2ami.job.PermissionDenied.isDenial(code, httpStatus);
    }

    /** Request throttling or the concurrent-task quota: wait and ask again. */
    public boolean throttled() {
        return "RequestLimitExceeded".equals(code) || "Throttling".equals(code) || "ThrottlingException".equals(code);
    }

    public boolean quotaExhausted() {
        return "ResourceCountLimitExceeded".equals(code);
    }

    /** An AWS-side or network failure rather than an answer about the request. */
    public boolean serverSide() {
        return httpStatus >= 500 || httpStatus == 0;
    }
}
