package dev.vm2ami.convert;

import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.verdict.Verdict;
import dev.vm2ami.job.ImportJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a job's planned conversion in this process (the Lambda engine) with the arguments the batch
 * engine's container gets, and records what it did. An image the converter refuses is rejected with
 * the converter's finding; one that needs more temporary space than Lambda has goes to AWS Batch
 * ({@link TooLargeForLambda}, which the state machine catches); anything else fails the step.
 */
public final class ConvertStep {
    private static final Logger LOG = LoggerFactory.getLogger(ConvertStep.class);

    private final ImageConversion conversion;

    public ConvertStep(ImageConversion conversion) {
        this.conversion = conversion;
    }

    public ImportJob run(ImportJob job) {
        ImportJob.Conversion planned = job.conversion();
        if (planned == null) throw new IllegalArgumentException("the job of " + job.executionName() + " plans no conversion");
        ImageConversion.Request request = ConvertMain.parse(planned.command().toArray(String[]::new));
        try {
            ImageConversion.Result r = conversion.convert(request);
            LOG.info("converted {} ({}) to s3://{}/{}: {} bytes read, {} written in {} s", job.source().key(), r.from(),
                    r.bucket(), r.key(), r.bytesRead(), r.bytesWritten(), r.seconds());
            return job.withConversion(planned.done(r.bytesRead(), r.bytesWritten(), r.seconds()));
        } catch (ConversionException e) {
            if (FindingCode.CONVERSION_TOO_LARGE.name().equals(e.finding().code())) {
                throw new TooLargeForLambda(e.finding().message());
            }
            LOG.warn("the converter refused {}: {}", job.source().key(), e.finding().message());
            List<Finding> findings = new ArrayList<>(job.inspection().findings());
            findings.add(e.finding());
            ImportJob.Inspection i = job.inspection();
            return job.withInspection(new ImportJob.Inspection(Verdict.REJECT, i.format(), findings, i.partitions(), i.bytesRead(),
                    i.rangeRequests(), i.os(), i.bootMode(), i.importPath(), i.cloudReady()));
        } catch (IOException e) {
            throw new ConversionFailed("converting s3://" + job.source().bucket() + "/" + job.source().key() + " failed: " + e.getMessage(), e);
        }
    }
}
