using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Scenarios.Tests;

/// <summary>dlb's ATool: copies the source to the object file.</summary>
public sealed class ATool : Tool<ATool>
{
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Input.Directory(Required = false, MinCount = 0)] public IReadOnlyList<TreePath>? IncludeDirectories { get; init; }
    [Input.NonRegularFile(Required = false)] public TreePath? DummyFile { get; init; }
    [Output.Directory(Required = false)] public TreePath? DummyDir { get; init; }

    protected override async Task<bool> RedoAsync(ATool result, RedoContext context)
    {
        using var t = context.Temporary();
        await File.WriteAllTextAsync(context.NativePathOf(t.Path), File.ReadAllText(context.NativePathOf(SourceFile)));
        context.ReplaceOutput(ObjectFile, t.Path);
        if (DummyDir is not null)
            Directory.CreateDirectory(context.NativePathOf(DummyDir));
        return false;
    }
}

/// <summary>dlb's FTool: its redo declares a.h and b.h as non-explicit inputs.</summary>
public sealed class FTool : Tool<FTool>
{
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }

    protected override Task<bool> RedoAsync(FTool result, RedoContext context)
    {
        File.WriteAllText(context.NativePathOf(ObjectFile), "o");
        result.IncludedFiles = ["a.h", "b.h"];
        return Task.FromResult(false);
    }
}

/// <summary>dlb's <c>class B(Tool): XYZ = []</c>: no dependencies, one execution parameter, an empty redo.</summary>
public sealed class BTool : Tool<BTool>
{
    [ExecutionParameter] public IReadOnlyList<int> Xyz { get; init; } = [];

    protected override Task<bool> RedoAsync(BTool result, RedoContext context) => Task.FromResult(false);
}

/// <summary>A tool whose redo always asks for another one.</summary>
public sealed class RequestingTool : Tool<RequestingTool>
{
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }

    protected override Task<bool> RedoAsync(RequestingTool result, RedoContext context)
    {
        File.WriteAllText(context.NativePathOf(ObjectFile), "o");
        return Task.FromResult(true);
    }
}

/// <summary>Two input roles of the same kind, to swap them.</summary>
public sealed class PairTool : Tool<PairTool>
{
    [Input.RegularFile] public required TreePath FirstFile { get; init; }
    [Input.RegularFile] public required TreePath SecondFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }

    protected override Task<bool> RedoAsync(PairTool result, RedoContext context)
    {
        File.WriteAllText(context.NativePathOf(ObjectFile), File.ReadAllText(context.NativePathOf(FirstFile)) + File.ReadAllText(context.NativePathOf(SecondFile)));
        return Task.FromResult(false);
    }
}

/// <summary>Two output roles, to give them the same path.</summary>
public sealed class TwoOutputTool : Tool<TwoOutputTool>
{
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Output.RegularFile(Required = false)] public IReadOnlyList<TreePath>? LogFiles { get; init; }

    protected override Task<bool> RedoAsync(TwoOutputTool result, RedoContext context) => Task.FromResult(false);
}

/// <summary>
/// A tool whose redo is a script registered by the test (keyed by the execution parameter <see cref="Script"/>),
/// for redos that log, wait for each other or call <see cref="RedoContext.ReplaceOutput"/>.
/// </summary>
public sealed class ScriptedTool : Tool<ScriptedTool>
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<ScriptedTool, RedoContext, Task<bool>>> Scripts = new();

    [ExecutionParameter] public required string Script { get; init; }
    [Input.RegularFile(Required = false)] public TreePath? SourceFile { get; init; }
    [Output.RegularFile(ReplaceBySameContent = false)] public required TreePath ObjectFile { get; init; }

    /// <summary>Registers <paramref name="script"/> under a new unique key, to be given as <see cref="Script"/>.</summary>
    public static string Register(Func<ScriptedTool, RedoContext, Task<bool>> script)
    {
        var key = Guid.NewGuid().ToString("N");
        Scripts[key] = script;
        return key;
    }

    protected override Task<bool> RedoAsync(ScriptedTool result, RedoContext context) => Scripts[Script](this, context);
}

/// <summary>dlb's tool with <c>language_code = input.EnvVar(name='LANG', pattern='.+', example='de_CH', explicit=False)</c>.</summary>
public sealed class LanguageTool : Tool<LanguageTool>
{
    [Input.EnvVar("LANG", Pattern = ".+", Example = "de_CH", Explicit = false)] public EnvVarValue? LanguageCode { get; set; }

    protected override Task<bool> RedoAsync(LanguageTool result, RedoContext context) => Task.FromResult(false);
}

/// <summary>As <see cref="LanguageTool"/> with the stricter pattern <c>[a-z]+_[A-Z]+</c>.</summary>
public sealed class StrictLanguageTool : Tool<StrictLanguageTool>
{
    [Input.EnvVar("LANG", Pattern = "[a-z]+_[A-Z]+", Example = "de_CH", Explicit = false)] public EnvVarValue? LanguageCode { get; set; }

    protected override Task<bool> RedoAsync(StrictLanguageTool result, RedoContext context) => Task.FromResult(false);
}

/// <summary>A tool whose redo forgets to assign its required non-explicit role.</summary>
public sealed class ForgetfulTool : Tool<ForgetfulTool>
{
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }

    protected override Task<bool> RedoAsync(ForgetfulTool result, RedoContext context)
    {
        File.WriteAllText(context.NativePathOf(ObjectFile), "o");
        return Task.FromResult(false);
    }
}

/// <summary>A scripted tool that declares the non-explicit input <c>n.h</c>.</summary>
public sealed class HeaderTool : Tool<HeaderTool>
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<HeaderTool, RedoContext, Task<bool>>> Scripts = new();

    [ExecutionParameter] public required string Script { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }

    public static string Register(Func<HeaderTool, RedoContext, Task<bool>> script)
    {
        var key = Guid.NewGuid().ToString("N");
        Scripts[key] = script;
        return key;
    }

    protected override async Task<bool> RedoAsync(HeaderTool result, RedoContext context)
    {
        var requested = await Scripts[Script](this, context);
        result.IncludedFiles = ["n.h"];
        return requested;
    }
}

/// <summary>dlb's ATool's non-explicit <c>log_file</c>: the redo writes <c>log.txt</c> and declares it.</summary>
public sealed class LoggingTool : Tool<LoggingTool>
{
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Output.RegularFile(Explicit = false, Required = false)] public TreePath? LogFile { get; set; }

    protected override Task<bool> RedoAsync(LoggingTool result, RedoContext context)
    {
        File.WriteAllText(context.NativePathOf(ObjectFile), "o");
        File.WriteAllText(context.NativePathOf("log.txt"), $"log of {SourceFile.AsString()}");
        result.LogFile = "log.txt";
        return Task.FromResult(false);
    }
}

/// <summary>A tool with one directory output whose redo is a registered script.</summary>
public sealed class DirectoryTool : Tool<DirectoryTool>
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<DirectoryTool, RedoContext, Task<bool>>> Scripts = new();

    [ExecutionParameter] public required string Script { get; init; }
    [Output.Directory] public required TreePath OutputDirectory { get; init; }

    public static string Register(Func<DirectoryTool, RedoContext, Task<bool>> script)
    {
        var key = Guid.NewGuid().ToString("N");
        Scripts[key] = script;
        return key;
    }

    protected override Task<bool> RedoAsync(DirectoryTool result, RedoContext context) => Scripts[Script](this, context);
}

/// <summary>A tool with an execution parameter of any type.</summary>
public sealed class ParameterTool : Tool<ParameterTool>
{
    [ExecutionParameter] public object? Value { get; init; }

    protected override Task<bool> RedoAsync(ParameterTool result, RedoContext context) => Task.FromResult(false);
}

/// <summary>A tool whose redo reports <see cref="Reported"/> as its non-explicit inputs, as a helper's list of what it read.</summary>
public sealed class ReportingTool : Tool<ReportingTool>
{
    [ExecutionParameter] public required IReadOnlyList<string> Reported { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }

    protected override Task<bool> RedoAsync(ReportingTool result, RedoContext context)
    {
        File.WriteAllText(context.NativePathOf(ObjectFile), "o");
        result.IncludedFiles = [.. Reported.Select(p => TreePath.Parse(p))];
        return Task.FromResult(false);
    }
}
