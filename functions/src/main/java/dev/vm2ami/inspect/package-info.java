/**
 * The pipeline's inspect step: {@link dev.vm2ami.inspect.InspectImageHandler} hands the job to
 * {@link dev.vm2ami.inspect.PreflightCheck}, which reads the S3 object's options (sidecar manifest,
 * metadata, defaults: {@link dev.vm2ami.inspect.ImageOptionsResolver}) and runs the image library
 * ({@code dev.vm2ami.image}) over ranged GETs. The S3 calls sit behind {@link dev.vm2ami.inspect.ImageObjects},
 * so the step is tested without S3.
 */
package dev.vm2ami.inspect;
