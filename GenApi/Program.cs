using GenApi.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGenApi();

var app = builder.Build();
if (KeysCommand.Matches(args)) return await KeysCommand.RunAsync(app, args);
app.UseGenApi();
app.Run();
return 0;

/// <summary>The API host; public so tests can start it with WebApplicationFactory.</summary>
public partial class Program;
