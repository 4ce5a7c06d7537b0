namespace TaskFlow.Messaging; internal static class Placeholder {}
