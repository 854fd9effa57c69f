using Kiln.Jit;

namespace Kiln.Cli.Tests.Jit;

public sealed class JitCommandsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-test-").FullName;

    private string Cache => Path.Combine(_root, "cache");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private (int Status, string Output, string Error) Kiln(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var status = KilnCli.Run(args, output, error);
        return (status, output.ToString(), error.ToString());
    }

    private JitLibrary Build(string sig, string source = "int kiln_value(void) { return 1; }\n") =>
        new JitCompiler().Jit(new JitRequest { Signature = sig, CacheDirectory = Cache, Generate = _ => new GeneratedCode("/* header of " + sig + " */\n", source) });

    [Fact]
    public void Show_lists_each_entry_with_its_signature_and_short_key()
    {
        var lib = Build("showMe");
        var (status, output, _) = Kiln("jit", "show", "--cache-dir", Cache);
        Assert.Equal(0, status);
        Assert.Contains("1 entries", output, StringComparison.Ordinal);
        Assert.Contains(lib.Key[..12] + "  showMe", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_with_files_lists_the_library_path()
    {
        var lib = Build("showFiles");
        var (_, output, _) = Kiln("jit", "show", "--files", "-C", Cache);
        Assert.Contains(lib.Path, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_prints_the_persisted_counters()
    {
        Build("statsMe");
        var (status, output, _) = Kiln("jit", "stats", "-C", Cache);
        Assert.Equal(0, status);
        Assert.Contains("misses            1", output, StringComparison.Ordinal);
        Assert.Contains("compiles          1 (0 failed)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Grep_prints_matching_lines_with_file_and_line_number_and_fails_without_a_match()
    {
        Build("grepMe", "int kiln_value(void) { return 0x5eed; }\n");
        var (status, output, _) = Kiln("jit", "grep", "0x5eed", "-C", Cache);
        Assert.Equal(0, status);
        Assert.Contains(".c.gz:1: int kiln_value(void) { return 0x5eed; }", output, StringComparison.Ordinal);
        Assert.Equal(1, Kiln("jit", "grep", "absent-text", "-C", Cache).Status);
    }

    [Fact]
    public void Verify_reports_all_ok_on_a_sound_cache()
    {
        Build("verifyMe");
        var (status, output, _) = Kiln("jit", "verify", "-C", Cache);
        Assert.Equal(0, status);
        Assert.Contains("1 entries checked, 1 ok, 0 bad", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Evict_without_a_limit_is_one_error_line_and_status_1()
    {
        var (status, output, error) = Kiln("jit", "evict", "-C", Cache);
        Assert.Equal(1, status);
        Assert.Equal("", output);
        Assert.StartsWith("kiln: error: kiln jit evict needs --max-size or --older-than", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Evict_by_size_removes_entries()
    {
        Build("evictMe");
        var (status, output, _) = Kiln("jit", "evict", "--max-size", "0", "-C", Cache);
        Assert.Equal(0, status);
        Assert.Contains("evicted", output, StringComparison.Ordinal);
        Assert.Contains("1 entries evicted", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_size_is_one_error_line()
    {
        var (status, _, error) = Kiln("jit", "evict", "--max-size", "12Q", "-C", Cache);
        Assert.Equal(1, status);
        Assert.Contains("size '12Q' is not a size", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_without_a_scope_refuses_and_clean_dry_run_removes_nothing()
    {
        Assert.Throws<JitCompileException>(() => Build("failing", "not C\n"));
        var refused = Kiln("jit", "clean", "-C", Cache);
        Assert.Equal(1, refused.Status);
        Assert.Contains("--failures", refused.Error, StringComparison.Ordinal);
        var dry = Kiln("jit", "clean", "--failures", "--dry-run", "-C", Cache);
        Assert.Contains("would remove", dry.Output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(Cache, "failures", "jitfailure-failing")));
        Kiln("jit", "clean", "--failures", "-C", Cache);
        Assert.False(Directory.Exists(Path.Combine(Cache, "failures", "jitfailure-failing")));
    }

    [Fact]
    public void The_version_option_prints_the_version()
    {
        var (status, output, _) = Kiln("--version");
        Assert.Equal(0, status);
        Assert.StartsWith("0.1.0", output, StringComparison.Ordinal);
    }
}
