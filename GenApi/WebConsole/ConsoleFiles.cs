using Microsoft.Extensions.FileProviders;

namespace GenApi.WebConsole;

/// <summary>
/// The web console: static files embedded in this assembly (so every way of running GenApi serves the same ones),
/// under <c>/console/</c>. The page holds no data; it calls the public API with the user's key.
/// </summary>
public static class ConsoleFiles
{
    public const string Path = "/console";

    // Scripts and styles only from here; images also from blob: URLs (PNGs fetched with the API key).
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseConsole(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(ConsoleFiles).Assembly, "GenApi.WebConsole");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            OnPrepareResponse = context =>
            {
                // Revalidated on every load (ETag), so a new version shows at once.
                context.Context.Response.Headers.CacheControl = "no-cache";
                context.Context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                context.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        });
        app.MapGet("/", () => TypedResults.Redirect($"{Path}/")).ExcludeFromDescription();
        return app;
    }
}
