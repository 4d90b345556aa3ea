using System.Globalization;

namespace Lla.Tests;

/// <summary>The culture a front end runs in (<see cref="ProcessCulture"/>): numbers print with a decimal point on a machine whose locale writes a comma, in new threads too.</summary>
public class ProcessCultureTests
{
    [Fact]
    public void Numbers_print_the_invariant_way_on_this_thread_and_on_new_threads()
    {
        var (culture, ui) = (CultureInfo.DefaultThreadCurrentCulture, CultureInfo.DefaultThreadCurrentUICulture);
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        string before = "", here = "", there = "";
        var thread = new Thread(() =>
        {
            CultureInfo.CurrentCulture = comma;
            before = $"{1.5}";
            ProcessCulture.UseInvariant();
            here = $"{1.5} {CultureInfo.CurrentUICulture.Name}";
            var inner = new Thread(() => there = $"{2.5} {CultureInfo.CurrentUICulture.Name}");
            inner.Start();
            inner.Join();
        });
        try
        {
            thread.Start();
            thread.Join();
        }
        finally
        {
            (CultureInfo.DefaultThreadCurrentCulture, CultureInfo.DefaultThreadCurrentUICulture) = (culture, ui);
        }
        Assert.Equal("1,5", before);
        Assert.Equal("1.5 ", here);
        Assert.Equal("2.5 ", there);
    }
}
