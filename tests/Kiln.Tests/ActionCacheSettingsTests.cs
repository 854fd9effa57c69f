using Kiln.Diagnostics;

namespace Kiln.Tests;

public sealed class ActionCacheSettingsTests
{
    private static readonly DiagnosticLog Log = new(TextWriter.Null);

    private static Kiln.Caching.ActionCache? Open(ActionCacheSettings settings, params (string Name, string Value)[] environment) =>
        settings.Open(environment.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal), Log, TimeProvider.System);

    [Fact]
    public void The_cache_is_off_unless_the_script_or_the_environment_switches_it_on()
    {
        Assert.Null(Open(new ActionCacheSettings(), ("HOME", "/home/u")));
        Assert.Equal("/home/u/.cache/kiln/actions", Open(new ActionCacheSettings { Enabled = true }, ("HOME", "/home/u"))!.Local.Directory);
        Assert.Equal("/x/kiln/actions", Open(new ActionCacheSettings(), ("KILN_CACHE", "1"), ("XDG_CACHE_HOME", "/x"))!.Local.Directory);
        Assert.Equal("/c", Open(new ActionCacheSettings(), ("KILN_CACHE_DIR", "/c"))!.Local.Directory);
        var withRedis = Open(new ActionCacheSettings(), ("KILN_CACHE_REDIS", "127.0.0.1:6379"), ("HOME", "/h"))!;
        Assert.Equal("127.0.0.1:6379", withRedis.Remote!.Location);
    }

    [Fact]
    public void KILN_CACHE_0_switches_off_what_the_script_switched_on()
    {
        Assert.Null(Open(new ActionCacheSettings { Enabled = true, Redis = "h:1" }, ("KILN_CACHE", "0"), ("KILN_CACHE_DIR", "/c")));
    }

    [Fact]
    public void The_size_limit_takes_a_suffix()
    {
        Assert.Equal(5L << 30, Open(new ActionCacheSettings { Enabled = true, Directory = "/c" })!.Local.MaxBytes);
        Assert.Equal(500L << 20, Open(new ActionCacheSettings { Enabled = true, Directory = "/c" }, ("KILN_CACHE_MAX_SIZE", "500M"))!.Local.MaxBytes);
        Assert.Equal(4096, Open(new ActionCacheSettings { Enabled = true, Directory = "/c" }, ("KILN_CACHE_MAX_SIZE", "4096"))!.Local.MaxBytes);
    }

    [Theory]
    [InlineData("KILN_CACHE", "yes", "KILN_CACHE must be 0 or 1 (off or on): 'yes'")]
    [InlineData("KILN_CACHE_MAX_SIZE", "lots", "KILN_CACHE_MAX_SIZE is not a size: 'lots'\n  | write bytes or a number with K, M, G or T, e.g. 5G")]
    [InlineData("KILN_CACHE_DIR", "relative", "KILN_CACHE_DIR must be an absolute path: 'relative'\n  | e.g. KILN_CACHE_DIR=$HOME/.cache/kiln/actions")]
    [InlineData("KILN_CACHE_REDIS", "no-port", "not a Redis endpoint for the action cache: 'no-port'\n  | write host:port, e.g. KILN_CACHE_REDIS=127.0.0.1:6379")]
    public void A_bad_environment_value_is_one_clear_error(string name, string value, string message)
    {
        var error = Assert.Throws<EnvironmentValueException>(() => Open(new ActionCacheSettings(), (name, value), ("HOME", "/h")));
        Assert.Equal(message, error.Message);
    }
}
