package io.streamrec.launcher.cli;

import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a memory size as Flink's configuration does: {@code 256mb}, {@code 1gb}, {@code 512m}, or bytes. */
final class MemorySizeConverter implements ITypeConverter<MemorySize> {

    @Override
    public MemorySize convert(String value) {
        try {
            return MemorySize.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not a memory size; write it as e.g. 256mb or 1gb");
        }
    }
}
