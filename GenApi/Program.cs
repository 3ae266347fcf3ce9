using GenApi.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGenApi();

var app = builder.Build();
app.UseGenApi();
app.Run();

/// <summary>The API host; public so tests can start it with WebApplicationFactory.</summary>
public partial class Program;
