using System.Net;

namespace CashApp.Grpc.Hosting;

/// <summary>Plain HTTP/2 is for loopback only: API keys travel in headers, and must not cross a network in clear.</summary>
internal static class AddressPolicy
{
    /// <summary>Null when every address is acceptable; otherwise why not.</summary>
    public static string? Check(IEnumerable<string> urls, bool allowInsecureHttp)
    {
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(ToParsable(url), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return $"'{url}' is not an http:// or https:// address.";
            }

            if (uri.Scheme == Uri.UriSchemeHttp && !allowInsecureHttp && !IsLoopback(uri.Host))
            {
                return $"'{url}' serves plain HTTP beyond this machine, where API keys would travel in clear. Use https:// with a certificate in Kestrel's configuration, bind to 127.0.0.1, or pass --allow-insecure-http behind a TLS-terminating proxy.";
            }
        }

        return null;
    }

    /// <summary>True for <c>localhost</c> and loopback IP addresses.</summary>
    public static bool IsLoopback(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    // Kestrel accepts wildcard hosts (http://*:80, http://+:80) that Uri does not.
    private static string ToParsable(string url) => url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
}
