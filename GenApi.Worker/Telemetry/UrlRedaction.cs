using System.Security.Cryptography;
using System.Text;

namespace GenApi.Worker.Telemetry;

/// <summary>
/// Outbound URLs as logs, spans and team-visible events may show them. A webhook URL's path often is the receiver's
/// secret (Slack- and Discord-style hooks), so only the scheme and host stay, with a short hash of the whole URL that
/// tells two receivers on one host apart.
/// </summary>
public static class UrlRedaction
{
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Redact(uri) : "the receiver";

    public static string Redact(Uri uri) =>
        $"{uri.Scheme}://{uri.Authority}/…#{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uri.OriginalString)))[..8]}";
}
