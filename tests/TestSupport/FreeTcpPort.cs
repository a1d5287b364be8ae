using System.Net;
using System.Net.Sockets;

namespace ECommerce.TestSupport;

/// <summary>Picks a loopback TCP port that is free right now (for servers tests start).</summary>
public static class FreeTcpPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
