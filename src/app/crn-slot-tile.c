/* crn-slot-tile.c: one slot in the week view, focusable and activatable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSlotTile"

#include "config.h"

#include "crn-slot-tile.h"

#include <glib/gi18n-lib.h>

/*
 * A tile draws its two lines of text itself, clipped to whatever height the week view gives
 * it: a 15-minute slot shows the first line, a 30-minute one shows both. Drawing rather than
 * packing labels keeps a week switch to a text update per tile (no relayout of child labels),
 * which is what keeps it under a frame. The laid-out texts are shared by all tiles (see
 * get_layout()): a week switch mostly shows texts already laid out at the same width.
 */

struct _CrnSlotTile
{
  GtkWidget      parent_instance;

  CrnSlotObject *slot;
  CrnSlotState   state;
  char          *title;    /* "14:00  Free" */
  char          *detail;   /* "Reclaim opens in 1 h 20 min", may be NULL */
  char          *label;    /* accessible label */
};

G_DEFINE_FINAL_TYPE (CrnSlotTile, crn_slot_tile, GTK_TYPE_WIDGET)

enum {
  ACTIVATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define PADDING_X 6
#define PADDING_Y 2

/*
 * Helpers
 */

static char *
dup_short_state (CrnSlotObject   *slot,
                 CrnSlotState     state,
                 CrnInstant       now)
{
  const CrnBooking *booking = crn_slot_object_get_booking (slot);

  switch (state)
    {
    case CRN_SLOT_STATE_FREE:
      return g_strdup (_("Free"));
    case CRN_SLOT_STATE_RECLAIMABLE:
      return g_strdup (_("Reclaimable"));
    case CRN_SLOT_STATE_WAITING:
      return g_strdup (_("To confirm"));
    case CRN_SLOT_STATE_BOOKED:
      if (booking == NULL)
        return g_strdup (_("Booked"));
      return g_strdup (crn_referrer_get_label (booking->referrer));
    case CRN_SLOT_STATE_RECLAIMED:
      return g_strdup (_("Reclaimed"));
    case CRN_SLOT_STATE_UNAVAILABLE:
      return g_strdup (_("Unavailable"));
    case CRN_SLOT_STATE_PAST:
      switch (crn_slot_object_get_outcome (slot, now))
        {
        case CRN_SLOT_OUTCOME_SEEN:        return g_strdup (_("Seen"));
        case CRN_SLOT_OUTCOME_NOSHOW:      return g_strdup (_("No-show"));
        case CRN_SLOT_OUTCOME_CANCELLED:   return g_strdup (_("Cancelled"));
        case CRN_SLOT_OUTCOME_TO_RECORD:   return g_strdup (_("To record"));
        case CRN_SLOT_OUTCOME_UNAVAILABLE: return g_strdup (_("Unavailable"));
        case CRN_SLOT_OUTCOME_NOT_BOOKED:
        case CRN_SLOT_OUTCOME_NONE:
        default:                           return g_strdup (_("Not booked"));
        }
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

static char *
dup_detail (CrnSlotObject   *slot,
            CrnSlotState     state,
            const CrnPolicy *policy,
            CrnInstant       now)
{
  const CrnBooking *booking = crn_slot_object_get_booking (slot);
  const CrnSlot *s = crn_slot_object_get_slot (slot);
  char *countdown = crn_slot_object_dup_countdown (slot, policy, now);

  if (countdown != NULL)
    return countdown;

  switch (state)
    {
    case CRN_SLOT_STATE_WAITING:
    case CRN_SLOT_STATE_BOOKED:
      if (booking != NULL && booking->referrer_name != NULL)
        return g_strdup (booking->referrer_name);
      if (booking != NULL && state == CRN_SLOT_STATE_WAITING)
        return g_strdup (crn_referrer_get_label (booking->referrer));
      return NULL;
    case CRN_SLOT_STATE_RECLAIMED:
      return g_strdup (_("Own patients"));
    case CRN_SLOT_STATE_FREE:
      return g_strdup (crn_visibility_get_short_label (s->visibility));
    case CRN_SLOT_STATE_PAST:
      if (booking != NULL && crn_slot_object_get_outcome (slot, now) != CRN_SLOT_OUTCOME_NOT_BOOKED)
        return g_strdup (crn_referrer_get_label (booking->referrer));
      return NULL;
    case CRN_SLOT_STATE_RECLAIMABLE:
    case CRN_SLOT_STATE_UNAVAILABLE:
    default:
      return NULL;
    }
}

/* Laid-out texts, shared by every tile and kept across week switches: laying a text out
 * (itemizing, shaping, ellipsizing) was most of a tile's paint, and a week shows the same
 * few hundred texts ("09:00  KB · Free") at the same few widths again and again. Keyed by
 * line, width and text; emptied when the tiles' font changes, and when it grows large. */
typedef struct
{
  GHashTable           *layouts;   /* "T|D<width>\x1f<text>" -> PangoLayout */
  PangoFontDescription *font;
  double                resolution;
  cairo_font_options_t *options;
} LayoutCache;

static LayoutCache layout_cache;

#define LAYOUT_CACHE_MAX 2048

/* Whether the cached layouts were made with what @context would give now. */
static gboolean
layout_cache_matches (PangoContext *context)
{
  const PangoFontDescription *font = pango_context_get_font_description (context);
  const cairo_font_options_t *options = pango_cairo_context_get_font_options (context);

  if (layout_cache.font == NULL || font == NULL ||
      !pango_font_description_equal (layout_cache.font, font) ||
      layout_cache.resolution != pango_cairo_context_get_resolution (context))
    return FALSE;
  if (options == NULL || layout_cache.options == NULL)
    return options == NULL && layout_cache.options == NULL;
  return cairo_font_options_equal (layout_cache.options, options);
}

static PangoLayout *
get_layout (GtkWidget  *widget,
            gboolean    title,
            int         width,
            const char *text)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  g_autofree char *key = g_strdup_printf ("%c%d\x1f%s", title ? 'T' : 'D', width, text);
  PangoLayout *layout;

  if (layout_cache.layouts == NULL)
    layout_cache.layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  g_object_unref);
  if (!layout_cache_matches (context))
    {
      const PangoFontDescription *font = pango_context_get_font_description (context);
      const cairo_font_options_t *options = pango_cairo_context_get_font_options (context);

      g_hash_table_remove_all (layout_cache.layouts);
      g_clear_pointer (&layout_cache.font, pango_font_description_free);
      g_clear_pointer (&layout_cache.options, cairo_font_options_destroy);
      layout_cache.font = font != NULL ? pango_font_description_copy (font) : NULL;
      layout_cache.options = options != NULL ? cairo_font_options_copy (options) : NULL;
      layout_cache.resolution = pango_cairo_context_get_resolution (context);
    }

  layout = g_hash_table_lookup (layout_cache.layouts, key);
  if (layout != NULL)
    return layout;

  if (g_hash_table_size (layout_cache.layouts) >= LAYOUT_CACHE_MAX)
    g_hash_table_remove_all (layout_cache.layouts);
  layout = gtk_widget_create_pango_layout (widget, text);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  if (title)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  g_hash_table_insert (layout_cache.layouts, g_steal_pointer (&key), layout);
  return layout;
}

/*
 * Callbacks
 */

static void
on_click_released_cb (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      CrnSlotTile     *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  g_signal_emit (self, signals[ACTIVATE], 0);
}

/* The tooltip is asked for when the pointer rests on the tile: setting a tooltip text on
 * every tile at each week switch costs a pointer query to the display per tile. */
static gboolean
on_query_tooltip_cb (GtkWidget  *widget,
                     int         x,
                     int         y,
                     gboolean    keyboard_mode,
                     GtkTooltip *tooltip,
                     gpointer    user_data)
{
  CrnSlotTile *self = CRN_SLOT_TILE (widget);

  if (self->label == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->label);
  return TRUE;
}

/*
 * GtkWidget overrides
 */

static void
crn_slot_tile_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  /* The week view decides the size from the slot's times; text is clipped to fit. */
  *minimum = 0;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 80 : 20;
}

static void
crn_slot_tile_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CrnSlotTile *self = CRN_SLOT_TILE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int text_width = MAX (0, width - 2 * PADDING_X);
  int title_height = 0;
  GdkRGBA color;

  PangoLayout *title_layout;

  if (self->title == NULL || width <= 2 * PADDING_X || height <= 2)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  title_layout = get_layout (widget, TRUE, text_width, self->title);
  pango_layout_get_pixel_size (title_layout, NULL, &title_height);

  gtk_snapshot_save (snapshot);
  /* Centre a lone line in a short tile; otherwise start at the top. */
  if (self->detail == NULL || height < 2 * title_height + PADDING_Y)
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PADDING_X, MAX (0, (height - title_height) / 2)));
  else
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PADDING_X, PADDING_Y));
  gtk_snapshot_append_layout (snapshot, title_layout, &color);

  if (self->detail != NULL && height >= 2 * title_height + PADDING_Y)
    {
      GdkRGBA dim = color;

      dim.alpha *= 0.8f;
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, title_height));
      gtk_snapshot_append_layout (snapshot, get_layout (widget, FALSE, text_width, self->detail),
                                  &dim);
    }
  gtk_snapshot_restore (snapshot);

  gtk_snapshot_pop (snapshot);
}

/*
 * GObject overrides
 */

static void
crn_slot_tile_finalize (GObject *object)
{
  CrnSlotTile *self = (CrnSlotTile *) object;

  g_clear_object (&self->slot);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->detail, g_free);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (crn_slot_tile_parent_class)->finalize (object);
}

static void
crn_slot_tile_class_init (CrnSlotTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = crn_slot_tile_finalize;

  widget_class->measure = crn_slot_tile_measure;
  widget_class->snapshot = crn_slot_tile_snapshot;

  /**
   * CrnSlotTile::activate:
   *
   * The slot was clicked, or Enter/Space was pressed on it: show its details.
   */
  signals[ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_activate_signal (widget_class, signals[ACTIVATE]);

  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_Return, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_KP_Enter, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_ISO_Enter, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_space, 0, "activate", NULL);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_KP_Space, 0, "activate", NULL);

  gtk_widget_class_set_css_name (widget_class, "slottile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
crn_slot_tile_init (CrnSlotTile *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), NULL);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (on_click_released_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/*
 * Public API
 */

/**
 * crn_slot_tile_new:
 *
 * Returns: (transfer floating): a new, empty #CrnSlotTile
 */
GtkWidget *
crn_slot_tile_new (void)
{
  return g_object_new (CRN_TYPE_SLOT_TILE, NULL);
}

/**
 * crn_slot_tile_set_slot:
 * @self: a #CrnSlotTile
 * @slot: the slot to show
 * @policy: the CPTS policy (reclaim window and cut-off)
 * @initials: (nullable): the practitioner's initials, when several practitioners are shown
 * @name: (nullable): the practitioner's name, likewise ("Dr Claire Martin")
 * @now: the current instant
 *
 * Shows @slot as it is at @now: text, state style and accessible label (also its tooltip).
 */
void
crn_slot_tile_set_slot (CrnSlotTile     *self,
                        CrnSlotObject   *slot,
                        const CrnPolicy *policy,
                        const char      *initials,
                        const char      *name,
                        CrnInstant       now)
{
  g_autofree char *range = NULL;
  g_autofree char *short_state = NULL;
  guint start_minute;
  CrnSlotState state;

  g_return_if_fail (CRN_IS_SLOT_TILE (self));
  g_return_if_fail (CRN_IS_SLOT_OBJECT (slot));
  g_return_if_fail (policy != NULL);

  g_set_object (&self->slot, slot);

  state = crn_slot_object_get_state (slot, policy, now);
  if (state != self->state || self->title == NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), crn_slot_state_to_css_class (self->state));
      gtk_widget_add_css_class (GTK_WIDGET (self), crn_slot_state_to_css_class (state));
      self->state = state;
    }

  crn_time_to_local (crn_slot_object_get_start (slot), NULL, &start_minute, NULL);
  range = crn_time_format_minutes (start_minute);
  short_state = dup_short_state (slot, state, now);

  g_free (self->title);
  if (initials != NULL)
    self->title = g_strdup_printf ("%s  %s · %s", range, initials, short_state);
  else
    self->title = g_strdup_printf ("%s  %s", range, short_state);
  g_free (self->detail);
  self->detail = dup_detail (slot, state, policy, now);
  g_free (self->label);
  self->label = crn_slot_object_dup_accessible_label (slot, policy, now);
  if (name != NULL)
    {
      char *with_name = g_strdup_printf ("%s (%s)", self->label, name);

      g_free (self->label);
      self->label = with_name;
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->label,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * crn_slot_tile_get_slot:
 * @self: a #CrnSlotTile
 *
 * Returns: (transfer none) (nullable): the slot shown
 */
CrnSlotObject *
crn_slot_tile_get_slot (CrnSlotTile *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_TILE (self), NULL);

  return self->slot;
}

/**
 * crn_slot_tile_get_state:
 * @self: a #CrnSlotTile
 *
 * Returns: the state shown
 */
CrnSlotState
crn_slot_tile_get_state (CrnSlotTile *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_TILE (self), CRN_SLOT_STATE_FREE);

  return self->state;
}

/**
 * crn_slot_tile_get_label:
 * @self: a #CrnSlotTile
 *
 * Returns: (nullable): the accessible label: "Tuesday 14:00–14:20, free, SNP"
 */
const char *
crn_slot_tile_get_label (CrnSlotTile *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_TILE (self), NULL);

  return self->label;
}

/**
 * crn_slot_tile_get_title:
 * @self: a #CrnSlotTile
 *
 * Returns: (nullable): the first line drawn: "14:00  Free"
 */
const char *
crn_slot_tile_get_title (CrnSlotTile *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_TILE (self), NULL);

  return self->title;
}

/**
 * crn_slot_tile_get_detail:
 * @self: a #CrnSlotTile
 *
 * Returns: (nullable): the second line drawn when there is room
 */
const char *
crn_slot_tile_get_detail (CrnSlotTile *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_TILE (self), NULL);

  return self->detail;
}
