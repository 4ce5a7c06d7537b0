namespace TaskFlow.ServiceDefaults; internal static class Placeholder {}
