/**
 * The pipeline's inspect step: {@link dev.vm2ami.inspect.InspectImageHandler} hands the job to
 * {@link dev.vm2ami.inspect.PreflightCheck}, which reads the S3 object's options (sidecar manifest,
 * metadata, defaults: {@link dev.vm2ami.inspect.ImageOptionsResolver}) and runs the image library
 * ({@code dev.vm2ami.image}) over ranged GETs.
 */
package dev.vm2ami.inspect;
