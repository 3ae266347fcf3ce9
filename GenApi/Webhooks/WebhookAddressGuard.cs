using System.Net;
using System.Net.Sockets;

namespace GenApi.Webhooks;

/// <summary>
/// Decides, at connect time, which addresses a webhook may reach: public ones, and the networks an operator allows
/// (<c>Webhooks:AllowedNetworks</c>) for internal receivers. Checking the resolved address when the socket opens, not
/// the URL when the job is created, means DNS rebinding, decimal IPs (<c>http://2130706433/</c>) and IPv4-mapped IPv6
/// cannot reach loopback, the private networks or the cloud metadata service.
/// </summary>
public sealed class WebhookAddressGuard(IReadOnlyList<IPNetwork> allowed)
{
    private static readonly IPNetwork[] NotPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return allowed.Any(n => n.Contains(address)) || !NotPublic.Any(n => n.Contains(address));
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects only to allowed addresses.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellation);
        var target = addresses.FirstOrDefault(IsAllowed) ?? throw new WebhookRefusedException();
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The receiver's address is not public and not in <c>Webhooks:AllowedNetworks</c>.</summary>
public sealed class WebhookRefusedException() : HttpRequestException("the receiver's address is not public and not allowed by Webhooks:AllowedNetworks");
