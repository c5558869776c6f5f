package io.tracemark.verifier.input;

/**
 * One input file as a report records it.
 *
 * @param path the path as given (or relative to the directory given)
 * @param sha256 hex SHA-256 of the file's bytes as stored (compressed bytes for gzip files)
 * @param bytes size of the file in bytes
 * @param records records read from it (including skipped ones)
 */
public record InputFile(String path, String sha256, long bytes, long records) {}
