/* crn-week-view.c: Monday–Saturday at a glance, one tile per slot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnWeekView"

#include "config.h"

#include "crn-week-view.h"

#include <glib/gi18n-lib.h>

/*
 * The grid (day headers, hour lines and labels, the "now" line) is drawn in snapshot(); each
 * slot is a CrnSlotTile child placed by size_allocate() from its local start and end. Tiles
 * are pooled: switching weeks reuses the tiles already made, only their text changes, so a
 * week switch costs one model query, N text updates and one allocation.
 */

#define N_DAYS         6      /* Monday to Saturday */
#define HEADER_HEIGHT  44
#define GUTTER_WIDTH   56
#define MIN_DAY_WIDTH  72
#define NAT_DAY_WIDTH  150
#define MIN_HOUR_HEIGHT 60
#define NAT_HOUR_HEIGHT 72
/* A tile needs this much height for its line of text; short slots make the hours taller. */
#define TILE_LINE_HEIGHT 22

typedef struct
{
  int   day;           /* 0 = Monday … 5 = Saturday; -1 = not shown */
  guint start_minute;
  guint end_minute;
  guint column;
  guint n_columns;     /* columns of its group of overlapping slots */
} TileInfo;

struct _CrnWeekView
{
  GtkWidget    parent_instance;

  GDate        monday;
  CrnInstant   now;
  guint        first_hour;
  guint        last_hour;

  CrnPolicy   *policy;
  GListModel  *slots;
  GStrv        columns;     /* practitioners, in order */
  GStrv        initials;    /* their initials, same order, or NULL */
  GStrv        names;       /* their names, same order, or NULL */

  GPtrArray   *tiles;      /* (element-type CrnSlotTile): the pool, children of self */
  GArray      *infos;      /* (element-type TileInfo): same index as tiles */
  guint        n_used;
  guint        shortest_minutes;   /* of the slots shown; 0 when none */

  PangoLayout *day_layouts[N_DAYS];
  GPtrArray   *hour_layouts;

  GtkPopover  *popover;
  char        *popover_slot_id;
};

G_DEFINE_FINAL_TYPE (CrnWeekView, crn_week_view, GTK_TYPE_WIDGET)

enum {
  SLOT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const short_weekday_names[] = {
  NULL, N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
};

/*
 * Helpers
 */

static guint
n_hours (CrnWeekView *self)
{
  return MAX (1, self->last_hour - self->first_hour);
}

static void
update_day_layouts (CrnWeekView *self)
{
  GDate today;

  crn_time_to_local (self->now != 0 ? self->now : crn_time_now (), &today, NULL, NULL);

  for (guint i = 0; i < N_DAYS; i++)
    {
      GDate day = self->monday;
      g_autofree char *text = NULL;

      g_clear_object (&self->day_layouts[i]);
      if (!g_date_valid (&self->monday))
        continue;

      g_date_add_days (&day, i);
      text = g_strdup_printf ("<span weight=\"bold\">%s</span> %u",
                              _(short_weekday_names[g_date_get_weekday (&day)]),
                              g_date_get_day (&day));
      self->day_layouts[i] = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      pango_layout_set_markup (self->day_layouts[i], text, -1);
      pango_layout_set_alignment (self->day_layouts[i], PANGO_ALIGN_CENTER);
      pango_layout_set_ellipsize (self->day_layouts[i], PANGO_ELLIPSIZE_END);
    }
}

static void
update_hour_layouts (CrnWeekView *self)
{
  g_ptr_array_set_size (self->hour_layouts, 0);

  for (guint h = self->first_hour; h <= self->last_hour; h++)
    {
      g_autofree char *text = crn_time_format_minutes (h * 60);
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.83));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
      g_ptr_array_add (self->hour_layouts, layout);
    }
}

static void
on_tile_activate_cb (CrnSlotTile *tile,
                     CrnWeekView *self)
{
  CrnSlotObject *slot = crn_slot_tile_get_slot (tile);

  if (slot != NULL)
    g_signal_emit (self, signals[SLOT_ACTIVATED], 0, slot, tile);
}

static CrnSlotTile *
ensure_tile (CrnWeekView *self,
             guint        position)
{
  while (self->tiles->len <= position)
    {
      GtkWidget *tile = crn_slot_tile_new ();
      TileInfo info = { -1, 0, 0, 0, 1 };

      gtk_widget_set_parent (tile, GTK_WIDGET (self));
      g_signal_connect_object (tile, "activate", G_CALLBACK (on_tile_activate_cb), self, 0);
      g_ptr_array_add (self->tiles, tile);
      g_array_append_val (self->infos, info);
    }

  return g_ptr_array_index (self->tiles, position);
}

static guint
practitioner_rank (CrnWeekView   *self,
                   const CrnSlot *slot)
{
  for (guint i = 0; self->columns != NULL && self->columns[i] != NULL; i++)
    if (g_strcmp0 (self->columns[i], slot->practitioner) == 0)
      return i;
  return G_MAXUINT;
}

/* The practitioner's initials and name, shown on each tile only when the week shows several
 * practitioners. */
static void
who_of (CrnWeekView    *self,
        CrnSlotObject  *slot,
        const char    **initials,
        const char    **name)
{
  guint rank = practitioner_rank (self, crn_slot_object_get_slot (slot));

  *initials = NULL;
  *name = NULL;
  if (self->columns == NULL || g_strv_length (self->columns) < 2 || rank == G_MAXUINT)
    return;
  if (self->initials != NULL && rank < g_strv_length (self->initials))
    *initials = self->initials[rank];
  if (self->names != NULL && rank < g_strv_length (self->names))
    *name = self->names[rank];
}

/* Lays out each day like a calendar: slots that overlap in time share the day's width in
 * columns (the practitioners' order first), and a slot that overlaps nothing takes the whole
 * width, so that text is cut as little as possible. */
static void
assign_columns (CrnWeekView *self,
                guint        n_used)
{
  for (int day = 0; day < N_DAYS; day++)
    {
      guint group_start = 0;
      guint group_end_minute = 0;
      guint column_ends[16] = { 0 };
      guint n_columns = 0;
      gboolean in_group = FALSE;

      for (guint i = 0; i <= n_used; i++)
        {
          TileInfo *info = i < n_used ? &g_array_index (self->infos, TileInfo, i) : NULL;
          guint column;

          if (info != NULL && info->day != day)
            continue;

          /* Close the group when the next slot starts after all of it has ended. */
          if (in_group && (info == NULL || info->start_minute >= group_end_minute))
            {
              for (guint j = group_start; j < i; j++)
                {
                  TileInfo *member = &g_array_index (self->infos, TileInfo, j);

                  if (member->day == day)
                    member->n_columns = MAX (1, n_columns);
                }
              in_group = FALSE;
              n_columns = 0;
              memset (column_ends, 0, sizeof column_ends);
            }
          if (info == NULL)
            break;

          if (!in_group)
            {
              group_start = i;
              group_end_minute = 0;
              in_group = TRUE;
            }

          /* The practitioner's own column when it is free, else the first free one. */
          column = MIN (info->column, G_N_ELEMENTS (column_ends) - 1);
          if (column >= n_columns || column_ends[column] > info->start_minute)
            {
              for (column = 0; column < n_columns; column++)
                if (column_ends[column] <= info->start_minute)
                  break;
            }
          if (column >= G_N_ELEMENTS (column_ends))
            column = G_N_ELEMENTS (column_ends) - 1;
          column_ends[column] = info->end_minute;
          n_columns = MAX (n_columns, column + 1);
          info->column = column;
          group_end_minute = MAX (group_end_minute, info->end_minute);
        }
    }
}

static void
rebuild_tiles (CrnWeekView *self)
{
  guint n = self->slots != NULL ? g_list_model_get_n_items (self->slots) : 0;
  GDate sunday = self->monday;
  guint used = 0;
  guint shortest = 0;

  g_date_add_days (&sunday, N_DAYS);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CrnSlotObject) slot = g_list_model_get_item (self->slots, i);
      const CrnSlot *s = crn_slot_object_get_slot (slot);
      CrnSlotTile *tile;
      TileInfo *info;
      GDate day;
      guint start_minute, end_minute;
      const char *initials, *name;

      crn_time_to_local (s->start, &day, &start_minute, NULL);
      crn_time_to_local (s->end, NULL, &end_minute, NULL);
      if (!g_date_valid (&self->monday) ||
          g_date_compare (&day, &self->monday) < 0 || g_date_compare (&day, &sunday) >= 0)
        continue;
      if (end_minute <= start_minute)
        end_minute = 24 * 60;   /* ends at midnight */

      if (shortest == 0 || end_minute - start_minute < shortest)
        shortest = end_minute - start_minute;
      tile = ensure_tile (self, used);
      info = &g_array_index (self->infos, TileInfo, used);
      info->day = g_date_days_between (&self->monday, &day);
      info->start_minute = start_minute;
      info->end_minute = end_minute;
      /* Start from the practitioner's rank; assign_columns() settles the final column. */
      info->column = practitioner_rank (self, s) == G_MAXUINT ? 0 : practitioner_rank (self, s);
      info->n_columns = 1;

      who_of (self, slot, &initials, &name);
      crn_slot_tile_set_slot (tile, slot, self->policy, initials, name, self->now);
      gtk_widget_set_child_visible (GTK_WIDGET (tile), TRUE);
      used++;
    }

  for (guint i = used; i < self->tiles->len; i++)
    {
      GtkWidget *tile = g_ptr_array_index (self->tiles, i);

      g_array_index (self->infos, TileInfo, i).day = -1;
      gtk_widget_set_child_visible (tile, FALSE);
    }

  self->n_used = used;
  assign_columns (self, used);
  if (shortest != self->shortest_minutes)
    {
      self->shortest_minutes = shortest;
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static int
find_tile_index (CrnWeekView *self,
                 GtkWidget   *tile)
{
  for (guint i = 0; i < self->n_used; i++)
    if (g_ptr_array_index (self->tiles, i) == tile)
      return i;
  return -1;
}

static gboolean
move_focus_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  int days, steps;

  g_variant_get (args, "(ii)", &days, &steps);
  return crn_week_view_move_focus (CRN_WEEK_VIEW (widget), days, steps);
}

static void
on_popover_closed_cb (GtkPopover  *popover,
                      CrnWeekView *self)
{
  CrnSlotTile *tile = NULL;

  if (self->popover_slot_id != NULL)
    tile = crn_week_view_find_tile (self, self->popover_slot_id);
  if (tile != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (tile));
  g_clear_pointer (&self->popover_slot_id, g_free);
}

/*
 * GtkWidget overrides
 */

static void
crn_week_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  CrnWeekView *self = CRN_WEEK_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = GUTTER_WIDTH + N_DAYS * MIN_DAY_WIDTH;
      *natural = GUTTER_WIDTH + N_DAYS * NAT_DAY_WIDTH;
    }
  else
    {
      /* Tall enough for the shortest slot's line of text (10-minute slots), scrolled. */
      int readable = self->shortest_minutes > 0
                     ? (TILE_LINE_HEIGHT * 60 + (int) self->shortest_minutes - 1) /
                       (int) self->shortest_minutes
                     : 0;

      *minimum = HEADER_HEIGHT + n_hours (self) * MAX (MIN_HOUR_HEIGHT, readable);
      *natural = HEADER_HEIGHT + n_hours (self) * MAX (NAT_HOUR_HEIGHT, readable);
    }
}

static void
crn_week_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  CrnWeekView *self = CRN_WEEK_VIEW (widget);
  double day_width = (double) (width - GUTTER_WIDTH) / N_DAYS;
  double hour_height = (double) (height - HEADER_HEIGHT) / n_hours (self);
  int first_minute = self->first_hour * 60;
  int last_minute = self->last_hour * 60;

  for (guint i = 0; i < self->n_used; i++)
    {
      GtkWidget *tile = g_ptr_array_index (self->tiles, i);
      const TileInfo *info = &g_array_index (self->infos, TileInfo, i);
      int start = CLAMP ((int) info->start_minute, first_minute, last_minute);
      int end = CLAMP ((int) info->end_minute, first_minute, last_minute);
      double x, y, h, column_width;

      if (info->day < 0 || end <= start)
        {
          /* Outside the hours shown: allocate it empty so that it stays out of sight. */
          gtk_widget_size_allocate (tile, &(GtkAllocation) { 0, 0, 0, 0 }, -1);
          continue;
        }

      column_width = day_width / MAX (1, info->n_columns);
      x = GUTTER_WIDTH + info->day * day_width + info->column * column_width;
      y = HEADER_HEIGHT + (start - first_minute) * hour_height / 60.0;
      h = (end - start) * hour_height / 60.0;

      gtk_widget_size_allocate (tile,
                                &(GtkAllocation) {
                                  (int) x + 3, (int) y + 1,
                                  MAX (0, (int) column_width - 6), MAX (0, (int) h - 2)
                                }, -1);
    }

  if (self->popover != NULL)
    gtk_popover_present (self->popover);
}

static void
crn_week_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CrnWeekView *self = CRN_WEEK_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double day_width = (double) (width - GUTTER_WIDTH) / N_DAYS;
  double hour_height = (double) (height - HEADER_HEIGHT) / n_hours (self);
  CrnInstant now = self->now != 0 ? self->now : crn_time_now ();
  GdkRGBA fg, line, accent, today_bg;
  GDate today;
  guint now_minute;
  int today_index = -1;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &accent))
    gdk_rgba_parse (&accent, "#1c71d8");
  G_GNUC_END_IGNORE_DEPRECATIONS

  line = fg;
  line.alpha = 0.12f;
  today_bg = accent;
  today_bg.alpha = 0.07f;

  crn_time_to_local (now, &today, &now_minute, NULL);
  if (g_date_valid (&self->monday))
    {
      int d = g_date_days_between (&self->monday, &today);

      if (d >= 0 && d < N_DAYS)
        today_index = d;
    }

  /* Today's column, lightly tinted. */
  if (today_index >= 0)
    gtk_snapshot_append_color (snapshot, &today_bg,
                               &GRAPHENE_RECT_INIT (GUTTER_WIDTH + today_index * day_width, 0,
                                                    day_width, height));

  /* Hour lines and labels. */
  for (guint h = 0; h <= n_hours (self); h++)
    {
      double y = HEADER_HEIGHT + h * hour_height;
      PangoLayout *layout = h < self->hour_layouts->len ? g_ptr_array_index (self->hour_layouts, h) : NULL;

      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (GUTTER_WIDTH - 6, (float) y, width - GUTTER_WIDTH + 6, 1));
      if (layout != NULL && h < n_hours (self))
        {
          GdkRGBA dim = fg;
          int lw, lh;

          dim.alpha = 0.6f;
          pango_layout_get_pixel_size (layout, &lw, &lh);
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (GUTTER_WIDTH - 10 - lw, (float) y + 2));
          gtk_snapshot_append_layout (snapshot, layout, &dim);
          gtk_snapshot_restore (snapshot);
        }
    }

  /* Day separators and headers. */
  for (guint d = 0; d < N_DAYS; d++)
    {
      double x = GUTTER_WIDTH + d * day_width;
      PangoLayout *layout = self->day_layouts[d];

      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT ((float) x, 0, 1, height));
      if (layout != NULL)
        {
          int lh;

          pango_layout_set_width (layout, (int) (day_width - 8) * PANGO_SCALE);
          pango_layout_get_pixel_size (layout, NULL, &lh);
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x + 4, (HEADER_HEIGHT - lh) / 2.0f));
          gtk_snapshot_append_layout (snapshot, layout, (int) d == today_index ? &accent : &fg);
          gtk_snapshot_restore (snapshot);
        }
    }

  for (guint i = 0; i < self->n_used; i++)
    gtk_widget_snapshot_child (widget, g_ptr_array_index (self->tiles, i), snapshot);

  /* The current time, across today's column. */
  if (today_index >= 0 &&
      now_minute >= self->first_hour * 60 && now_minute <= self->last_hour * 60)
    {
      double y = HEADER_HEIGHT + (now_minute - self->first_hour * 60.0) * hour_height / 60.0;
      GdkRGBA red;

      gdk_rgba_parse (&red, "#e01b24");
      gtk_snapshot_append_color (snapshot, &red,
                                 &GRAPHENE_RECT_INIT (GUTTER_WIDTH + today_index * day_width,
                                                      (float) y - 1, day_width, 2));
    }
}

static void
crn_week_view_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  CrnWeekView *self = CRN_WEEK_VIEW (widget);

  GTK_WIDGET_CLASS (crn_week_view_parent_class)->css_changed (widget, change);
  update_day_layouts (self);
  update_hour_layouts (self);
}

/*
 * GObject overrides
 */

static void
crn_week_view_dispose (GObject *object)
{
  CrnWeekView *self = (CrnWeekView *) object;

  if (self->tiles != NULL)
    {
      for (guint i = 0; i < self->tiles->len; i++)
        gtk_widget_unparent (g_ptr_array_index (self->tiles, i));
      g_ptr_array_set_size (self->tiles, 0);
    }
  self->n_used = 0;
  if (self->popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->popover));
      self->popover = NULL;
    }

  G_OBJECT_CLASS (crn_week_view_parent_class)->dispose (object);
}

static void
crn_week_view_finalize (GObject *object)
{
  CrnWeekView *self = (CrnWeekView *) object;

  g_clear_pointer (&self->tiles, g_ptr_array_unref);
  g_clear_pointer (&self->infos, g_array_unref);
  g_clear_pointer (&self->policy, crn_policy_free);
  g_clear_object (&self->slots);
  g_clear_pointer (&self->columns, g_strfreev);
  g_clear_pointer (&self->initials, g_strfreev);
  g_clear_pointer (&self->names, g_strfreev);
  g_clear_pointer (&self->hour_layouts, g_ptr_array_unref);
  g_clear_pointer (&self->popover_slot_id, g_free);
  for (guint i = 0; i < N_DAYS; i++)
    g_clear_object (&self->day_layouts[i]);

  G_OBJECT_CLASS (crn_week_view_parent_class)->finalize (object);
}

static void
crn_week_view_class_init (CrnWeekViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_week_view_dispose;
  object_class->finalize = crn_week_view_finalize;

  widget_class->measure = crn_week_view_measure;
  widget_class->size_allocate = crn_week_view_size_allocate;
  widget_class->snapshot = crn_week_view_snapshot;
  widget_class->css_changed = crn_week_view_css_changed;

  /**
   * CrnWeekView::slot-activated:
   * @slot: the #CrnSlotObject
   * @tile: the #CrnSlotTile showing it
   *
   * A slot was clicked or Enter was pressed on it.
   */
  signals[SLOT_ACTIVATED] =
    g_signal_new ("slot-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, CRN_TYPE_SLOT_OBJECT, CRN_TYPE_SLOT_TILE);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0, move_focus_cb, "(ii)", 0, -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Up, 0, move_focus_cb, "(ii)", 0, -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0, move_focus_cb, "(ii)", 0, 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Down, 0, move_focus_cb, "(ii)", 0, 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, 0, move_focus_cb, "(ii)", -1, 0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Left, 0, move_focus_cb, "(ii)", -1, 0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, 0, move_focus_cb, "(ii)", 1, 0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Right, 0, move_focus_cb, "(ii)", 1, 0);

  gtk_widget_class_set_css_name (widget_class, "weekview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
crn_week_view_init (CrnWeekView *self)
{
  g_date_clear (&self->monday, 1);
  self->first_hour = 8;
  self->last_hour = 20;
  self->policy = crn_policy_new_default ();
  self->tiles = g_ptr_array_new ();
  self->infos = g_array_new (FALSE, TRUE, sizeof (TileInfo));
  self->hour_layouts = g_ptr_array_new_with_free_func (g_object_unref);

  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self));
  gtk_popover_set_position (self->popover, GTK_POS_RIGHT);
  g_signal_connect_object (self->popover, "closed", G_CALLBACK (on_popover_closed_cb), self, 0);

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  update_hour_layouts (self);
}

/*
 * Public API
 */

/**
 * crn_week_view_new:
 *
 * Returns: (transfer floating): a new #CrnWeekView
 */
GtkWidget *
crn_week_view_new (void)
{
  return g_object_new (CRN_TYPE_WEEK_VIEW, NULL);
}

/**
 * crn_week_view_set_week:
 * @self: a #CrnWeekView
 * @monday: the Monday of the week to show
 *
 * Changes the day headers; the caller then gives the slots of that week with
 * crn_week_view_set_slots().
 */
void
crn_week_view_set_week (CrnWeekView *self,
                        const GDate *monday)
{
  g_return_if_fail (CRN_IS_WEEK_VIEW (self));
  g_return_if_fail (monday != NULL && g_date_valid (monday));
  g_return_if_fail (g_date_get_weekday (monday) == G_DATE_MONDAY);

  self->monday = *monday;
  update_day_layouts (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * crn_week_view_get_week:
 * @self: a #CrnWeekView
 * @monday: (out caller-allocates): the Monday of the week shown (invalid if none)
 */
void
crn_week_view_get_week (CrnWeekView *self,
                        GDate       *monday)
{
  g_return_if_fail (CRN_IS_WEEK_VIEW (self));
  g_return_if_fail (monday != NULL);

  *monday = self->monday;
}

/**
 * crn_week_view_set_hours:
 * @self: a #CrnWeekView
 * @first_hour: first hour shown (8)
 * @last_hour: hour the grid ends at (20), > @first_hour, <= 24
 */
void
crn_week_view_set_hours (CrnWeekView *self,
                         guint        first_hour,
                         guint        last_hour)
{
  g_return_if_fail (CRN_IS_WEEK_VIEW (self));
  g_return_if_fail (first_hour < last_hour && last_hour <= 24);

  if (self->first_hour == first_hour && self->last_hour == last_hour)
    return;

  self->first_hour = first_hour;
  self->last_hour = last_hour;
  update_hour_layouts (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * crn_week_view_set_slots:
 * @self: a #CrnWeekView
 * @slots: a #GListModel of #CrnSlotObject (the week's slots)
 * @policy: the CPTS policy (copied)
 * @practitioners: (nullable) (array zero-terminated=1): the IDNPS of the practitioners
 *   shown, in the order their overlapping slots are placed side by side
 * @initials: (nullable) (array zero-terminated=1): their initials, same order, drawn on each
 *   tile when there are several practitioners
 * @names: (nullable) (array zero-terminated=1): their names, same order, added to each
 *   tile's accessible label when there are several practitioners
 * @now: the current instant (states and countdowns are computed for it)
 */
void
crn_week_view_set_slots (CrnWeekView        *self,
                         GListModel         *slots,
                         const CrnPolicy    *policy,
                         const char * const *practitioners,
                         const char * const *initials,
                         const char * const *names,
                         CrnInstant          now)
{
  g_return_if_fail (CRN_IS_WEEK_VIEW (self));
  g_return_if_fail (G_IS_LIST_MODEL (slots));
  g_return_if_fail (policy != NULL);

  g_set_object (&self->slots, slots);
  if (policy != self->policy)
    {
      g_clear_pointer (&self->policy, crn_policy_free);
      self->policy = crn_policy_copy (policy);
    }
  if (practitioners != (const char * const *) self->columns)
    {
      g_clear_pointer (&self->columns, g_strfreev);
      self->columns = g_strdupv ((char **) practitioners);
    }
  if (initials != (const char * const *) self->initials)
    {
      g_clear_pointer (&self->initials, g_strfreev);
      self->initials = g_strdupv ((char **) initials);
    }
  if (names != (const char * const *) self->names)
    {
      g_clear_pointer (&self->names, g_strfreev);
      self->names = g_strdupv ((char **) names);
    }
  self->now = now;

  update_day_layouts (self);
  rebuild_tiles (self);
}

/**
 * crn_week_view_refresh:
 * @self: a #CrnWeekView
 * @now: the current instant
 *
 * Recomputes the states and countdowns of the slots shown for @now (a timer calls it).
 */
void
crn_week_view_refresh (CrnWeekView *self,
                       CrnInstant   now)
{
  g_return_if_fail (CRN_IS_WEEK_VIEW (self));

  self->now = now;
  for (guint i = 0; i < self->n_used; i++)
    {
      CrnSlotTile *tile = g_ptr_array_index (self->tiles, i);
      const char *initials, *name;

      who_of (self, crn_slot_tile_get_slot (tile), &initials, &name);
      crn_slot_tile_set_slot (tile, crn_slot_tile_get_slot (tile), self->policy, initials, name, now);
    }
  update_day_layouts (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * crn_week_view_get_n_tiles:
 * @self: a #CrnWeekView
 *
 * Returns: the number of slots shown
 */
guint
crn_week_view_get_n_tiles (CrnWeekView *self)
{
  g_return_val_if_fail (CRN_IS_WEEK_VIEW (self), 0);

  return self->n_used;
}

/**
 * crn_week_view_get_tile:
 * @self: a #CrnWeekView
 * @position: index, by start time
 *
 * Returns: (transfer none) (nullable): the tile at @position
 */
CrnSlotTile *
crn_week_view_get_tile (CrnWeekView *self,
                        guint        position)
{
  g_return_val_if_fail (CRN_IS_WEEK_VIEW (self), NULL);

  if (position >= self->n_used)
    return NULL;
  return g_ptr_array_index (self->tiles, position);
}

/**
 * crn_week_view_find_tile:
 * @self: a #CrnWeekView
 * @slot_id: a slot identifier
 *
 * Returns: (transfer none) (nullable): the tile showing that slot
 */
CrnSlotTile *
crn_week_view_find_tile (CrnWeekView *self,
                         const char  *slot_id)
{
  g_return_val_if_fail (CRN_IS_WEEK_VIEW (self), NULL);
  g_return_val_if_fail (slot_id != NULL, NULL);

  for (guint i = 0; i < self->n_used; i++)
    {
      CrnSlotTile *tile = g_ptr_array_index (self->tiles, i);
      CrnSlotObject *slot = crn_slot_tile_get_slot (tile);

      if (slot != NULL && g_strcmp0 (crn_slot_object_get_id (slot), slot_id) == 0)
        return tile;
    }

  return NULL;
}

/**
 * crn_week_view_move_focus:
 * @self: a #CrnWeekView
 * @days: days to move (-1 = the day before, 1 = the day after), or 0
 * @steps: slots to move within the day (-1 = the one before), or 0
 *
 * Moves the keyboard focus from the focused slot: along its day, or to the slot of another
 * day that starts closest to it. Focuses the first slot when none has the focus.
 *
 * Returns: whether the focus moved
 */
gboolean
crn_week_view_move_focus (CrnWeekView *self,
                          int          days,
                          int          steps)
{
  GtkWidget *focus;
  int current;
  const TileInfo *info;

  g_return_val_if_fail (CRN_IS_WEEK_VIEW (self), FALSE);

  if (self->n_used == 0)
    return FALSE;

  focus = gtk_widget_get_focus_child (GTK_WIDGET (self));
  current = focus != NULL ? find_tile_index (self, focus) : -1;
  if (current < 0)
    return gtk_widget_grab_focus (g_ptr_array_index (self->tiles, 0));

  info = &g_array_index (self->infos, TileInfo, current);

  if (steps != 0)
    {
      int i = current;
      int remaining = ABS (steps);

      while (remaining > 0)
        {
          i += steps > 0 ? 1 : -1;
          if (i < 0 || i >= (int) self->n_used)
            return FALSE;
          if (g_array_index (self->infos, TileInfo, i).day == info->day)
            remaining--;
        }
      return gtk_widget_grab_focus (g_ptr_array_index (self->tiles, i));
    }

  for (int day = info->day + days; days != 0 && day >= 0 && day < N_DAYS; day += days > 0 ? 1 : -1)
    {
      int best = -1;
      guint best_distance = G_MAXUINT;

      for (guint i = 0; i < self->n_used; i++)
        {
          const TileInfo *other = &g_array_index (self->infos, TileInfo, i);
          guint distance;

          if (other->day != day)
            continue;
          distance = ABS ((int) other->start_minute - (int) info->start_minute) * 4 +
                     (other->column != info->column ? 1 : 0);
          if (distance < best_distance)
            {
              best = i;
              best_distance = distance;
            }
        }
      if (best >= 0)
        return gtk_widget_grab_focus (g_ptr_array_index (self->tiles, best));
    }

  return FALSE;
}

/**
 * crn_week_view_show_popover:
 * @self: a #CrnWeekView
 * @tile: the tile to point at
 * @content: the popover's content
 *
 * Shows @content in a popover pointing at @tile; the focus returns to the tile when it
 * closes.
 */
void
crn_week_view_show_popover (CrnWeekView *self,
                            CrnSlotTile *tile,
                            GtkWidget   *content)
{
  graphene_rect_t bounds;
  CrnSlotObject *slot;

  g_return_if_fail (CRN_IS_WEEK_VIEW (self));
  g_return_if_fail (CRN_IS_SLOT_TILE (tile));
  g_return_if_fail (GTK_IS_WIDGET (content));

  slot = crn_slot_tile_get_slot (tile);
  g_free (self->popover_slot_id);
  self->popover_slot_id = slot != NULL ? g_strdup (crn_slot_object_get_id (slot)) : NULL;

  gtk_popover_set_child (self->popover, content);
  if (gtk_widget_compute_bounds (GTK_WIDGET (tile), GTK_WIDGET (self), &bounds))
    gtk_popover_set_pointing_to (self->popover,
                                 &(GdkRectangle) {
                                   (int) bounds.origin.x, (int) bounds.origin.y,
                                   (int) bounds.size.width, (int) bounds.size.height
                                 });
  gtk_popover_popup (self->popover);
}

/**
 * crn_week_view_get_popover:
 * @self: a #CrnWeekView
 *
 * Returns: (transfer none): the details popover
 */
GtkPopover *
crn_week_view_get_popover (CrnWeekView *self)
{
  g_return_val_if_fail (CRN_IS_WEEK_VIEW (self), NULL);

  return self->popover;
}
