package io.streamrec.launcher.cli;

import java.util.Arrays;
import java.util.Locale;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads Flink's delivery guarantees as Flink prints them ({@code at-least-once}) or as enum names. */
final class DeliveryGuaranteeConverter implements ITypeConverter<DeliveryGuarantee> {

    @Override
    public DeliveryGuarantee convert(String value) {
        String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(DeliveryGuarantee.values())
                .filter(g -> g.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new TypeConversionException("'" + value
                        + "' is not a delivery guarantee: use one of " + Arrays.toString(DeliveryGuarantee.values())));
    }
}
