/**
 * Builders of test images (raw disks with partition tables and file-system headers, wrapped in VMDK,
 * VHD, VHDX and OVA), for the tests, the benchmarks and {@code ./vm2ami demo}. Test code: it is left
 * out of the Lambda artifact and ships as the functions module's test-jar, which the local module uses.
 */
package dev.vm2ami.sampleimages;
