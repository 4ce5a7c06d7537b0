using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// librdkafka's log lines as .NET log entries. The one place for the level mapping: the services' Kafka clients use
/// it, and the AppHost (whose dev broker is a librdkafka client too) compiles this same file.
/// </summary>
internal static class LibrdkafkaLog
{
    public static void Write(ILogger logger, LogMessage message) =>
        logger.Log(Level(message.Level), "{Facility}: {Message}", message.Facility, message.Message);

    public static LogLevel Level(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
