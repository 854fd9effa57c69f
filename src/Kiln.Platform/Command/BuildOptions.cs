using System.Globalization;
using Kiln.Platform.Text;

namespace Kiln.Platform.Command;

/// <summary>
/// The options of <c>kiln build</c>, which go before the script name (everything after it is the script's):
/// <c>-v</c>/<c>--verbose</c>, <c>-j N</c>/<c>-jN</c>/<c>--jobs N</c>/<c>--jobs=N</c>, <c>-k</c>/<c>--keep-going</c>,
/// <c>--explain</c>, and <c>--</c> to end them (for a script whose name starts with <c>-</c>).
/// </summary>
/// <param name="Verbose">Full stack traces of script errors.</param>
/// <param name="Jobs">Redos of the root context that may run at once, overriding the script's (<c>make -j</c>, <c>ninja -j</c>).</param>
/// <param name="KeepGoing">Go on starting redos after one failed, and report every failure at the end (<c>make -k</c>).</param>
/// <param name="Explain">Say for every tool instance why it is redone or why not (<c>ninja -d explain</c>, for both outcomes).</param>
/// <param name="Rest">The script name and its arguments.</param>
internal sealed record BuildOptions(bool Verbose, int? Jobs, bool KeepGoing, bool Explain, IReadOnlyList<string> Rest)
{
    /// <summary>Splits <paramref name="arguments"/> into options and the rest.</summary>
    /// <param name="arguments">What follows <c>build</c>.</param>
    /// <param name="problem">The one-line usage error when the options are invalid (exit status 2).</param>
    public static BuildOptions? Parse(IReadOnlyList<string> arguments, out string? problem)
    {
        problem = null;
        bool verbose = false, keepGoing = false, explain = false;
        int? jobs = null;
        var i = 0;
        for (; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument == "--")
            {
                i++;
                break;
            }
            if (argument is "-v" or "--verbose")
                verbose = true;
            else if (argument is "-k" or "--keep-going")
                keepGoing = true;
            else if (argument == "--explain")
                explain = true;
            else if (argument is "-j" or "--jobs" || argument.StartsWith("--jobs=", StringComparison.Ordinal) || (argument.StartsWith("-j", StringComparison.Ordinal) && argument.Length > 2))
            {
                string? value = argument switch
                {
                    "-j" or "--jobs" => ++i < arguments.Count ? arguments[i] : null,
                    _ when argument.StartsWith("--jobs=", StringComparison.Ordinal) => argument["--jobs=".Length..],
                    _ => argument[2..],
                };
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                {
                    problem = $"error: option '-j' needs a positive number of parallel redos, not {(value is null ? "nothing" : MessageQuoting.Quote(value))}\n  | as in 'kiln build -j 4'";
                    return null;
                }
                jobs = n;
            }
            else if (argument.StartsWith('-'))
            {
                problem = $"error: unknown option of 'kiln build': {MessageQuoting.Quote(argument)}\n  | see 'kiln build --help'; a script whose name starts with '-' goes after '--'";
                return null;
            }
            else
            {
                break;
            }
        }
        return new BuildOptions(verbose, jobs, keepGoing, explain, [.. arguments.Skip(i)]);
    }
}
