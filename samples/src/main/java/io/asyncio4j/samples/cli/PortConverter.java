package io.asyncio4j.samples.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a port option: a whole number from 0 to 65535, checked here so a wrong one is a usage error. */
public final class PortConverter implements ITypeConverter<Integer> {

    /**
     * Parses {@code text}.
     *
     * @param text the option's value
     * @return the port
     * @throws TypeConversionException if the text is not a whole number from 0 to 65535
     */
    @Override
    public Integer convert(String text) {
        int port;
        try {
            port = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not a port (a number from 0 to 65535)");
        }
        if (port < 0 || port > 65535) {
            throw new TypeConversionException(port + " is not a port (a number from 0 to 65535)");
        }
        return port;
    }
}
