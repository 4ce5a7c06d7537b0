using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Workers.Recurring;

public static class RecurringFeature
{
    /// <summary>Next occurrences of completed recurring tasks, created through the Api's internal endpoint.</summary>
    public static IHostApplicationBuilder AddRecurringTasks(this IHostApplicationBuilder builder)
    {
        builder.AddEventConsumer<RecurringTaskService, TaskEventData>(new ConsumerRegistration(Topics.TaskEvents, RecurringTaskService.ConsumerGroup));
        builder.Services.AddHttpClient<ApiTasksClient>(client => client.BaseAddress = new Uri("https+http://api")).AddInternalApiKey();
        return builder;
    }
}
