/* kvota-report-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-report-chart"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kvota-format.h"
#include "kvota-report-chart.h"
#include "kvota-trading-report.h"

/* A bar chart of the trading report: the quotas traded by month of a year
 * (or by year, over all years), or by the sellers' sector. One layout
 * serves the screen and paper: on screen the bars and lines are GtkSnapshot
 * colour nodes and the labels Pango layout nodes, in the style's accent
 * and text colours, so it follows the light and dark styles; on paper
 * (the PDF export) the same shapes go to cairo in ink. Every figure is
 * also in the accessible description, and in a tooltip on its bar. */

typedef struct
{
  char   *label;        /* under or beside the bar */
  char   *description;  /* the whole sentence, for tooltips and screen readers */
  gint64  value;
} Bar;

struct _KvotaReportChart
{
  GtkWidget             parent_instance;

  KvotaReportChartKind  kind;
  char                 *title;
  GArray               *bars;        /* of Bar */
  GArray               *hit_boxes;   /* of graphene_rect_t, one a bar, from the last drawing */
};

G_DEFINE_FINAL_TYPE (KvotaReportChart, kvota_report_chart, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (KvotaReportChartKind, kvota_report_chart_kind,
                    G_DEFINE_ENUM_VALUE (KVOTA_REPORT_CHART_VOLUMES, "volumes"),
                    G_DEFINE_ENUM_VALUE (KVOTA_REPORT_CHART_SECTORS, "sectors"))

enum {
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define PADDING     8.0
#define GAP         6.0
#define ROW_HEIGHT  30.0

/* Drawing goes either to a snapshot (the screen) or to cairo (paper). */
typedef struct
{
  GtkSnapshot  *snapshot;
  cairo_t      *cr;
  PangoContext *context;
} Painter;

static void
bar_clear (gpointer data)
{
  Bar *bar = data;

  g_clear_pointer (&bar->label, g_free);
  g_clear_pointer (&bar->description, g_free);
}

static void
paint_rect (Painter       *painter,
            const GdkRGBA *color,
            double         x,
            double         y,
            double         width,
            double         height)
{
  if (width <= 0 || height <= 0)
    return;

  if (painter->snapshot != NULL)
    gtk_snapshot_append_color (painter->snapshot, color,
                               &GRAPHENE_RECT_INIT (x, y, width, height));
  else
    {
      gdk_cairo_set_source_rgba (painter->cr, color);
      cairo_rectangle (painter->cr, x, y, width, height);
      cairo_fill (painter->cr);
    }
}

static void
paint_layout (Painter       *painter,
              PangoLayout   *layout,
              const GdkRGBA *color,
              double         x,
              double         y)
{
  if (painter->snapshot != NULL)
    {
      gtk_snapshot_save (painter->snapshot);
      gtk_snapshot_translate (painter->snapshot, &GRAPHENE_POINT_INIT (x, y));
      gtk_snapshot_append_layout (painter->snapshot, layout, color);
      gtk_snapshot_restore (painter->snapshot);
    }
  else
    {
      gdk_cairo_set_source_rgba (painter->cr, color);
      cairo_move_to (painter->cr, x, y);
      pango_cairo_show_layout (painter->cr, layout);
    }
}

static PangoLayout *
make_layout (PangoContext *context,
             const char   *text,
             gboolean      small)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoAttrList *attributes = pango_attr_list_new ();

  /* Figures in columns line up: tabular digits. */
  pango_attr_list_insert (attributes, pango_attr_font_features_new ("tnum=1"));
  if (small)
    pango_attr_list_insert (attributes, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attributes);
  pango_attr_list_unref (attributes);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

static void
layout_size (PangoLayout *layout,
             double      *width,
             double      *height)
{
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  if (width != NULL)
    *width = (double) w / PANGO_SCALE;
  if (height != NULL)
    *height = (double) h / PANGO_SCALE;
}

/* A scale whose steps are 1, 2 or 5 times a power of ten, with about
 * four of them up to @max. */
static gint64
nice_step (gint64 max)
{
  double raw = (double) MAX (max, 1) / 4.0;
  double magnitude = pow (10.0, floor (log10 (raw)));
  double fraction = raw / magnitude;
  double step;

  if (fraction <= 1.0)
    step = 1.0;
  else if (fraction <= 2.0)
    step = 2.0;
  else if (fraction <= 5.0)
    step = 5.0;
  else
    step = 10.0;

  return MAX ((gint64) (step * magnitude), 1);
}

static void
draw_volumes (KvotaReportChart             *self,
              Painter                      *painter,
              double                        width,
              double                        height,
              const KvotaReportChartColors *colors)
{
  gint64 max = 0;
  gint64 step;
  gint64 top;
  double axis_width = 0;
  double line_height = 0;
  double plot_x, plot_y, plot_width, plot_height;
  double slot;
  guint label_every = 1;
  gboolean show_values = TRUE;
  guint n = self->bars->len;

  if (n == 0)
    return;

  for (guint i = 0; i < n; i++)
    max = MAX (max, g_array_index (self->bars, Bar, i).value);

  step = nice_step (max);
  top = ((max + step - 1) / step) * step;
  if (top == 0)
    top = step;

  /* The axis labels decide how much room the plot leaves. */
  for (gint64 tick = 0; tick <= top; tick += step)
    {
      g_autofree char *text = kvota_format_quantity (tick);
      g_autoptr(PangoLayout) layout = make_layout (painter->context, text, TRUE);
      double w, h;

      layout_size (layout, &w, &h);
      axis_width = MAX (axis_width, w);
      line_height = MAX (line_height, h);
    }

  plot_x = PADDING + axis_width + GAP;
  plot_y = PADDING + line_height + GAP;
  plot_width = width - plot_x - PADDING;
  plot_height = height - plot_y - PADDING - line_height - GAP;
  if (plot_width <= n || plot_height <= 10)
    return;

  slot = plot_width / n;

  /* Labels under the bars: every one if they fit, else every second… */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PangoLayout) layout = make_layout (painter->context,
                                                   g_array_index (self->bars, Bar, i).label, TRUE);
      double w;

      layout_size (layout, &w, NULL);
      while (w + GAP > slot * label_every && label_every < n)
        label_every++;
    }

  /* Values over the bars only if every one fits. */
  for (guint i = 0; i < n && show_values; i++)
    {
      g_autofree char *text = kvota_format_quantity (g_array_index (self->bars, Bar, i).value);
      g_autoptr(PangoLayout) layout = make_layout (painter->context, text, TRUE);
      double w;

      layout_size (layout, &w, NULL);
      show_values = w + 2 <= slot;
    }

  /* Grid lines and the axis figures. */
  for (gint64 tick = 0; tick <= top; tick += step)
    {
      g_autofree char *text = kvota_format_quantity (tick);
      g_autoptr(PangoLayout) layout = make_layout (painter->context, text, TRUE);
      double y = plot_y + plot_height - plot_height * ((double) tick / (double) top);
      double w, h;

      layout_size (layout, &w, &h);
      paint_layout (painter, layout, &colors->dim, plot_x - GAP - w, y - h / 2);
      paint_rect (painter, tick == 0 ? &colors->dim : &colors->grid,
                  plot_x, round (y) - (tick == 0 ? 1 : 0), plot_width, 1);
    }

  g_array_set_size (self->hit_boxes, 0);
  for (guint i = 0; i < n; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);
      double bar_height = plot_height * ((double) bar->value / (double) top);
      double bar_width = CLAMP (slot * 0.62, 1, 72);
      double x = plot_x + slot * i + (slot - bar_width) / 2;
      double y = plot_y + plot_height - bar_height;
      graphene_rect_t box = GRAPHENE_RECT_INIT (plot_x + slot * i, plot_y, slot, plot_height + line_height + GAP);

      g_array_append_val (self->hit_boxes, box);

      /* A trade too small to see still shows as a sliver. */
      if (bar->value > 0)
        paint_rect (painter, &colors->bar, x, y - (bar_height < 1 ? 1 - bar_height : 0), bar_width, MAX (bar_height, 1));

      if (show_values && bar->value > 0)
        {
          g_autofree char *text = kvota_format_quantity (bar->value);
          g_autoptr(PangoLayout) layout = make_layout (painter->context, text, TRUE);
          double w, h;

          layout_size (layout, &w, &h);
          paint_layout (painter, layout, &colors->text, plot_x + slot * i + (slot - w) / 2, y - h - 2);
        }

      if (i % label_every == 0)
        {
          g_autoptr(PangoLayout) layout = make_layout (painter->context, bar->label, TRUE);
          double w;

          layout_size (layout, &w, NULL);
          paint_layout (painter, layout, &colors->dim, plot_x + slot * i + (slot - w) / 2,
                        plot_y + plot_height + GAP);
        }
    }
}

static double
sector_row_height (PangoContext *context)
{
  g_autoptr(PangoLayout) layout = make_layout (context, "Mg", FALSE);
  double h;

  layout_size (layout, NULL, &h);
  return MAX (ROW_HEIGHT, h + 12);
}

static void
draw_sectors (KvotaReportChart             *self,
              Painter                      *painter,
              double                        width,
              double                        height,
              const KvotaReportChartColors *colors)
{
  double row_height = sector_row_height (painter->context);
  double label_width = 0;
  double value_width = 0;
  double plot_x, plot_width;
  gint64 max = 0;
  guint n = self->bars->len;

  for (guint i = 0; i < n; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);
      g_autoptr(PangoLayout) label = make_layout (painter->context, bar->label, FALSE);
      g_autofree char *text = kvota_format_quantity (bar->value);
      g_autoptr(PangoLayout) value = make_layout (painter->context, text, FALSE);
      double w;

      layout_size (label, &w, NULL);
      label_width = MAX (label_width, w);
      layout_size (value, &w, NULL);
      value_width = MAX (value_width, w);
      max = MAX (max, bar->value);
    }

  /* Long sector names give way to the bars. */
  label_width = MIN (label_width, (width - 2 * PADDING) * 0.4);
  plot_x = PADDING + label_width + 2 * GAP;
  plot_width = width - plot_x - PADDING - GAP - value_width;
  if (plot_width <= 10)
    return;

  paint_rect (painter, &colors->dim, plot_x - 1, PADDING, 1, MIN (n * row_height, height - 2 * PADDING));

  g_array_set_size (self->hit_boxes, 0);
  for (guint i = 0; i < n; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);
      g_autoptr(PangoLayout) label = make_layout (painter->context, bar->label, FALSE);
      g_autofree char *text = kvota_format_quantity (bar->value);
      g_autoptr(PangoLayout) value = make_layout (painter->context, text, FALSE);
      double y = PADDING + i * row_height;
      double length = max > 0 ? plot_width * ((double) bar->value / (double) max) : 0;
      graphene_rect_t box = GRAPHENE_RECT_INIT (0, y, width, row_height);
      double h;

      g_array_append_val (self->hit_boxes, box);
      if (y + row_height > height)
        break;

      pango_layout_set_width (label, (int) (label_width * PANGO_SCALE));
      pango_layout_set_ellipsize (label, PANGO_ELLIPSIZE_END);
      layout_size (label, NULL, &h);
      paint_layout (painter, label, &colors->text, PADDING, y + (row_height - h) / 2);

      if (bar->value > 0)
        paint_rect (painter, &colors->bar, plot_x, y + row_height * 0.2, MAX (length, 1), row_height * 0.6);

      layout_size (value, NULL, &h);
      paint_layout (painter, value, &colors->text, plot_x + MAX (length, 1) + GAP, y + (row_height - h) / 2);
    }
}

static void
draw (KvotaReportChart             *self,
      Painter                      *painter,
      double                        width,
      double                        height,
      const KvotaReportChartColors *colors)
{
  if (self->kind == KVOTA_REPORT_CHART_SECTORS)
    draw_sectors (self, painter, width, height, colors);
  else
    draw_volumes (self, painter, width, height, colors);
}

static void
update_accessible (KvotaReportChart *self)
{
  g_autofree char *description = kvota_report_chart_describe (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title != NULL ? self->title : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
clear_bars (KvotaReportChart *self)
{
  g_array_set_size (self->bars, 0);
  g_array_set_size (self->hit_boxes, 0);
}

static void
add_bar (KvotaReportChart *self,
         const char       *label,
         gint64            value,
         char             *description)
{
  Bar bar = { g_strdup (label), description, value };

  g_array_append_val (self->bars, bar);
}

static char *
describe_figures (const char *what,
                  gint64      quotas,
                  gint64      transactions)
{
  g_autofree char *quotas_text = kvota_format_quantity (quotas);
  g_autofree char *transactions_text = kvota_format_quantity (transactions);

  /* Translators: one bar of a chart of the trading report: a month, a
   * year or a sector, then the quotas traded (in tonnes) and the number
   * of transactions, both already written as numbers. */
  return g_strdup_printf (_("%1$s: %2$s quotas traded, %3$s transactions"),
                          what, quotas_text, transactions_text);
}

static void
set_volumes (KvotaReportChart         *self,
             const KvotaTradingReport *report,
             int                       year)
{
  if (year == 0)
    {
      g_free (self->title);
      self->title = g_strdup (_("Quotas Traded by Year"));
      for (guint i = 0; i < report->years->len; i++)
        {
          const KvotaTradingFigures *figures = &g_array_index (report->years, KvotaTradingFigures, i);
          g_autofree char *label = g_strdup_printf ("%d", figures->year);

          add_bar (self, label, figures->quotas,
                   describe_figures (label, figures->quotas, figures->transactions));
        }
      return;
    }

  g_free (self->title);
  /* Translators: the title of a chart; %d is a year. */
  self->title = g_strdup_printf (_("Quotas Traded by Month in %d"), year);

  for (guint i = 0; i < report->months->len; i++)
    {
      const KvotaTradingFigures *figures = &g_array_index (report->months, KvotaTradingFigures, i);
      g_autoptr(GDateTime) date = NULL;
      g_autofree char *label = NULL;
      g_autofree char *name = NULL;

      if (figures->year != year)
        continue;

      date = g_date_time_new_utc (figures->year, figures->month, 1, 0, 0, 0);
      /* The month's own name, as it stands alone (nominative in Russian
       * and Kazakh): short under the bar, whole with the year in words. */
      label = g_date_time_format (date, "%Ob");
      name = g_date_time_format (date, "%OB %Y");
      add_bar (self, label, figures->quotas,
               describe_figures (name, figures->quotas, figures->transactions));
    }
}

typedef struct
{
  const char *sector;
  gint64      quotas;
  gint64      transactions;
} SectorSum;

static int
compare_sector_sums (gconstpointer a,
                     gconstpointer b)
{
  const SectorSum *sa = a;
  const SectorSum *sb = b;

  if (sa->quotas != sb->quotas)
    return sa->quotas > sb->quotas ? -1 : 1;
  return g_strcmp0 (sa->sector, sb->sector);
}

static void
set_sectors (KvotaReportChart         *self,
             const KvotaTradingReport *report,
             int                       year)
{
  g_autoptr(GArray) sums = g_array_new (FALSE, TRUE, sizeof (SectorSum));

  g_free (self->title);
  if (year == 0)
    self->title = g_strdup (_("Quotas Sold by Sector in All Years"));
  else
    /* Translators: the title of a chart; %d is a year. */
    self->title = g_strdup_printf (_("Quotas Sold by Sector in %d"), year);

  /* Over all years, each sector once. */
  for (guint i = 0; i < report->sectors->len; i++)
    {
      const KvotaTradingSector *sector = g_ptr_array_index (report->sectors, i);
      SectorSum *sum = NULL;

      if (year != 0 && sector->year != year)
        continue;

      for (guint j = 0; j < sums->len && sum == NULL; j++)
        if (g_str_equal (g_array_index (sums, SectorSum, j).sector, sector->sector))
          sum = &g_array_index (sums, SectorSum, j);

      if (sum == NULL)
        {
          SectorSum empty = { sector->sector, 0, 0 };

          g_array_append_val (sums, empty);
          sum = &g_array_index (sums, SectorSum, sums->len - 1);
        }

      sum->quotas += sector->quotas;
      sum->transactions += sector->transactions;
    }

  g_array_sort (sums, compare_sector_sums);

  for (guint i = 0; i < sums->len; i++)
    {
      const SectorSum *sum = &g_array_index (sums, SectorSum, i);
      /* Sellers that no allocation plan lists: trading companies reselling. */
      const char *label = sum->sector[0] != '\0' ? sum->sector : _("Outside the allocation plans");

      add_bar (self, label, sum->quotas, describe_figures (label, sum->quotas, sum->transactions));
    }
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  KvotaReportChart *self = KVOTA_REPORT_CHART (widget);

  for (guint i = 0; i < self->hit_boxes->len && i < self->bars->len; i++)
    if (graphene_rect_contains_point (&g_array_index (self->hit_boxes, graphene_rect_t, i),
                                      &GRAPHENE_POINT_INIT (x, y)))
      {
        gtk_tooltip_set_text (tooltip, g_array_index (self->bars, Bar, i).description);
        return TRUE;
      }

  return FALSE;
}

static void
screen_colors (KvotaReportChart       *self,
               KvotaReportChartColors *colors)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (style, &colors->text);

  /* Adwaita's accent, which follows the light and dark styles; the blue
   * it defaults to if a theme lacks it. */
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &colors->bar))
    gdk_rgba_parse (&colors->bar, "#3584e4");

  colors->dim = colors->text;
  colors->dim.alpha *= 0.55;
  colors->grid = colors->text;
  colors->grid.alpha *= 0.12;
}

static void
kvota_report_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  KvotaReportChart *self = KVOTA_REPORT_CHART (widget);
  KvotaReportChartColors colors;
  Painter painter = { snapshot, NULL, gtk_widget_get_pango_context (widget) };

  screen_colors (self, &colors);
  draw (self, &painter, gtk_widget_get_width (widget), gtk_widget_get_height (widget), &colors);
}

static void
kvota_report_chart_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  KvotaReportChart *self = KVOTA_REPORT_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 480;
    }
  else
    {
      int height = (int) ceil (kvota_report_chart_get_height_for_width (self, gtk_widget_get_pango_context (widget),
                                                                      for_size));

      *minimum = *natural = height;
    }
}

static void
kvota_report_chart_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (kvota_report_chart_parent_class)->css_changed (widget, change);

  /* The light and dark styles, and the accent colour, are drawn afresh. */
  gtk_widget_queue_draw (widget);
}

static void
kvota_report_chart_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KvotaReportChart *self = KVOTA_REPORT_CHART (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_report_chart_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KvotaReportChart *self = KVOTA_REPORT_CHART (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_report_chart_finalize (GObject *object)
{
  KvotaReportChart *self = (KvotaReportChart *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->bars, g_array_unref);
  g_clear_pointer (&self->hit_boxes, g_array_unref);

  G_OBJECT_CLASS (kvota_report_chart_parent_class)->finalize (object);
}

static void
kvota_report_chart_class_init (KvotaReportChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kvota_report_chart_finalize;
  object_class->get_property = kvota_report_chart_get_property;
  object_class->set_property = kvota_report_chart_set_property;

  widget_class->snapshot = kvota_report_chart_snapshot;
  widget_class->measure = kvota_report_chart_measure;
  widget_class->css_changed = kvota_report_chart_css_changed;

  /* Which chart: set once, as it is made. */
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       KVOTA_TYPE_REPORT_CHART_KIND, KVOTA_REPORT_CHART_VOLUMES,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kvota_report_chart_init (KvotaReportChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, bar_clear);
  self->hit_boxes = g_array_new (FALSE, TRUE, sizeof (graphene_rect_t));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

/**
 * kvota_report_chart_new:
 * @kind: which chart
 *
 * Returns: (transfer floating): an empty chart
 */
GtkWidget *
kvota_report_chart_new (KvotaReportChartKind kind)
{
  return g_object_new (KVOTA_TYPE_REPORT_CHART,
                       "kind", kind,
                       NULL);
}

/**
 * kvota_report_chart_set_report:
 * @self: a #KvotaReportChart
 * @report: the trading report
 * @year: the year to chart, or 0 for every year
 *
 * Takes the bars from @report; it is not kept.
 */
void
kvota_report_chart_set_report (KvotaReportChart         *self,
                               const KvotaTradingReport *report,
                               int                       year)
{
  g_return_if_fail (KVOTA_IS_REPORT_CHART (self));
  g_return_if_fail (report != NULL);

  clear_bars (self);
  if (self->kind == KVOTA_REPORT_CHART_SECTORS)
    set_sectors (self, report, year);
  else
    set_volumes (self, report, year);

  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
kvota_report_chart_get_n_bars (KvotaReportChart *self)
{
  g_return_val_if_fail (KVOTA_IS_REPORT_CHART (self), 0);

  return self->bars->len;
}

/**
 * kvota_report_chart_get_title:
 * @self: a #KvotaReportChart
 *
 * Returns: (nullable): what the chart shows, such as “Quotas Traded by
 *   Month in 2015”
 */
const char *
kvota_report_chart_get_title (KvotaReportChart *self)
{
  g_return_val_if_fail (KVOTA_IS_REPORT_CHART (self), NULL);

  return self->title;
}

/**
 * kvota_report_chart_describe:
 * @self: a #KvotaReportChart
 *
 * Returns: (transfer full): every figure of the chart in words, one bar
 *   a line, as a screen reader reads it
 */
char *
kvota_report_chart_describe (KvotaReportChart *self)
{
  GString *text;

  g_return_val_if_fail (KVOTA_IS_REPORT_CHART (self), NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->bars->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_array_index (self->bars, Bar, i).description);
    }

  return g_string_free (text, FALSE);
}

/**
 * kvota_report_chart_get_height_for_width:
 * @self: a #KvotaReportChart
 * @context: the Pango context it will be drawn with
 * @width: the width it will have, or -1
 *
 * Returns: the height the chart wants
 */
double
kvota_report_chart_get_height_for_width (KvotaReportChart *self,
                                         PangoContext     *context,
                                         double            width)
{
  g_return_val_if_fail (KVOTA_IS_REPORT_CHART (self), 0);

  if (self->kind == KVOTA_REPORT_CHART_SECTORS)
    return 2 * PADDING + MAX (self->bars->len, 1) * sector_row_height (context);

  return 240;
}

/**
 * kvota_report_chart_draw:
 * @self: a #KvotaReportChart
 * @cr: where to draw, such as a print context's
 * @context: a Pango context for @cr
 * @width: the width to fill
 * @height: the height to fill
 * @colors: the colours to draw in
 *
 * Draws the chart with cairo, as it shows on screen: for paper.
 */
void
kvota_report_chart_draw (KvotaReportChart             *self,
                         cairo_t                      *cr,
                         PangoContext                 *context,
                         double                        width,
                         double                        height,
                         const KvotaReportChartColors *colors)
{
  Painter painter = { NULL, cr, context };

  g_return_if_fail (KVOTA_IS_REPORT_CHART (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (colors != NULL);

  cairo_save (cr);
  draw (self, &painter, width, height, colors);
  cairo_restore (cr);
}
