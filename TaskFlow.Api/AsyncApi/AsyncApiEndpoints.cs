namespace TaskFlow.Api.AsyncApi;

public static class AsyncApiEndpoints
{
    public const string DocumentPath = "/asyncapi/asyncapi.json";

    /// <summary>
    /// The AsyncAPI document at <see cref="DocumentPath"/>, public like /openapi/v1.json; its readable page is
    /// wwwroot/asyncapi/index.html (the AsyncAPI React component, vendored: no CDN at run time).
    /// </summary>
    public static IEndpointRouteBuilder MapAsyncApi(this IEndpointRouteBuilder endpoints)
    {
        // The same for the life of the process: built once, on first request.
        var document = new Lazy<string>(() => AsyncApiDocument.Create(endpoints.ServiceProvider.GetRequiredService<IConfiguration>().GetConnectionString("kafka")).ToJsonString());
        endpoints.MapGet(DocumentPath, () => Results.Text(document.Value, "application/json"))
            .ExcludeFromDescription()
            .AllowAnonymous();
        return endpoints;
    }
}
