/* crn-account.c: one sign-in to a CPTS server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include "crn-account.h"
#include "crn-core.h"

struct _CrnAccount
{
  GObject   parent_instance;

  char     *id;             /* construct-only, a UUID */
  char     *server_url;     /* construct-only */
  char     *username;       /* construct-only */
  char     *role;           /* "practitioner" or "secretary" */
  char     *display_name;
  GStrv     practitioners;  /* IDNPS the account acts for */
  char     *ca_file;        /* the CPTS's CA file chosen at sign-in, or NULL */
};

G_DEFINE_FINAL_TYPE (CrnAccount, crn_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_SERVER_URL,
  PROP_USERNAME,
  PROP_ROLE,
  PROP_DISPLAY_NAME,
  PROP_PRACTITIONERS,
  PROP_CA_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------------------- */
/* GObject                                                                             */

static void
crn_account_finalize (GObject *object)
{
  CrnAccount *self = CRN_ACCOUNT (object);

  g_free (self->id);
  g_free (self->server_url);
  g_free (self->username);
  g_free (self->role);
  g_free (self->display_name);
  g_strfreev (self->practitioners);
  g_free (self->ca_file);

  G_OBJECT_CLASS (crn_account_parent_class)->finalize (object);
}

static void
crn_account_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CrnAccount *self = CRN_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_PRACTITIONERS:
      g_value_set_boxed (value, self->practitioners);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_account_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CrnAccount *self = CRN_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      if (self->id == NULL)
        self->id = crn_uuid_new ();
      break;
    case PROP_SERVER_URL:
      g_free (self->server_url);
      self->server_url = g_value_dup_string (value);
      break;
    case PROP_USERNAME:
      g_free (self->username);
      self->username = g_value_dup_string (value);
      break;
    case PROP_ROLE:
      crn_account_set_role (self, g_value_get_string (value));
      break;
    case PROP_DISPLAY_NAME:
      crn_account_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_PRACTITIONERS:
      crn_account_set_practitioners (self, g_value_get_boxed (value));
      break;
    case PROP_CA_FILE:
      crn_account_set_ca_file (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_account_class_init (CrnAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = crn_account_finalize;
  object_class->get_property = crn_account_get_property;
  object_class->set_property = crn_account_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, "practitioner",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRACTITIONERS] =
    g_param_spec_boxed ("practitioners", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrnAccount:ca-file:
   *
   * The certificate authority (PEM file) chosen for this CPTS at sign-in, or %NULL for
   * the system's. Kept with the account (it is not a secret) so that resuming trusts it.
   */
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
crn_account_init (CrnAccount *self)
{
  self->role = g_strdup ("practitioner");
  self->practitioners = g_new0 (char *, 1);
}

/* ---------------------------------------------------------------------------------- */
/* Public API                                                                          */

/**
 * crn_account_new:
 * @server_url: the server's base URL
 * @username: the user name on that server
 *
 * Returns: (transfer full): a new account with a fresh id
 */
CrnAccount *
crn_account_new (const char *server_url,
                 const char *username)
{
  return g_object_new (CRN_TYPE_ACCOUNT,
                       "id", NULL,
                       "server-url", server_url,
                       "username", username,
                       NULL);
}

/**
 * crn_account_new_from_store:
 * @stored: what the store remembers
 *
 * Returns: (transfer full): the account
 */
CrnAccount *
crn_account_new_from_store (const CrnStoreAccount *stored)
{
  return g_object_new (CRN_TYPE_ACCOUNT,
                       "id", stored->id,
                       "server-url", stored->server_url,
                       "username", stored->username,
                       "role", stored->role,
                       "practitioners", stored->practitioners,
                       "ca-file", stored->ca_file,
                       NULL);
}

/**
 * crn_account_to_store:
 * @self: an account
 *
 * Returns: (transfer full): the non-secret record for crn_store_save_account_async()
 */
CrnStoreAccount *
crn_account_to_store (CrnAccount *self)
{
  CrnStoreAccount *stored = g_new0 (CrnStoreAccount, 1);

  g_return_val_if_fail (CRN_IS_ACCOUNT (self), NULL);

  stored->id = g_strdup (self->id);
  stored->server_url = g_strdup (self->server_url);
  stored->username = g_strdup (self->username);
  stored->role = g_strdup (self->role);
  stored->practitioners = g_strdupv (self->practitioners);
  stored->ca_file = g_strdup (self->ca_file);
  return stored;
}

const char *
crn_account_get_id (CrnAccount *self)
{
  g_return_val_if_fail (CRN_IS_ACCOUNT (self), NULL);
  return self->id;
}

const char *
crn_account_get_server_url (CrnAccount *self)
{
  g_return_val_if_fail (CRN_IS_ACCOUNT (self), NULL);
  return self->server_url;
}

const char *
crn_account_get_username (CrnAccount *self)
{
  g_return_val_if_fail (CRN_IS_ACCOUNT (self), NULL);
  return self->username;
}

const char *
crn_account_get_role (CrnAccount *self)
{
  g_return_val_if_fail (CRN_IS_ACCOUNT (self), NULL);
  return self->role;
}

/**
 * crn_account_set_role:
 * @self: an account
 * @role: (nullable): "practitioner" or "secretary"; %NULL means practitioner
 */
void
crn_account_set_role (CrnAccount *self,
                      const char *role)
{
  g_return_if_fail (CRN_IS_ACCOUNT (self));

  if (role == NULL)
    role = "practitioner";
  if (g_strcmp0 (self->role, role) == 0)
    return;
  g_free (self->role);
  self->role = g_strdup (role);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

const char *
crn_account_get_display_name (CrnAccount *self)
{
  g_return_val_if_fail (CRN_IS_ACCOUNT (self), NULL);
  return self->display_name;
}

void
crn_account_set_display_name (CrnAccount *self,
                              const char *display_name)
{
  g_return_if_fail (CRN_IS_ACCOUNT (self));

  if (g_strcmp0 (self->display_name, display_name) == 0)
    return;
  g_free (self->display_name);
  self->display_name = g_strdup (display_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

/**
 * crn_account_get_practitioners:
 * @self: an account
 *
 * Returns: (transfer none) (array zero-terminated=1): the IDNPS the account acts for
 */
const char * const *
crn_account_get_practitioners (CrnAccount *self)
{
  g_return_val_if_fail (CRN_IS_ACCOUNT (self), NULL);
  return (const char * const *) self->practitioners;
}

/**
 * crn_account_set_practitioners:
 * @self: an account
 * @practitioners: (nullable) (array zero-terminated=1): IDNPS acted for
 */
void
crn_account_set_practitioners (CrnAccount         *self,
                               const char * const *practitioners)
{
  g_return_if_fail (CRN_IS_ACCOUNT (self));

  g_strfreev (self->practitioners);
  self->practitioners = practitioners != NULL ? g_strdupv ((char **) practitioners)
                                              : g_new0 (char *, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRACTITIONERS]);
}

/**
 * crn_account_is_secretary:
 * @self: an account
 *
 * Returns: whether the account is a secretary acting for named practitioners
 */
gboolean
crn_account_is_secretary (CrnAccount *self)
{
  g_return_val_if_fail (CRN_IS_ACCOUNT (self), FALSE);
  return g_strcmp0 (self->role, "secretary") == 0;
}

/**
 * crn_account_get_ca_file:
 * @self: an account
 *
 * Returns: (nullable): the CPTS's certificate authority file, %NULL for the system's
 */
const char *
crn_account_get_ca_file (CrnAccount *self)
{
  g_return_val_if_fail (CRN_IS_ACCOUNT (self), NULL);
  return self->ca_file;
}

/**
 * crn_account_set_ca_file:
 * @self: an account
 * @ca_file: (nullable): a PEM file, %NULL for the system's authorities
 */
void
crn_account_set_ca_file (CrnAccount *self,
                         const char *ca_file)
{
  g_return_if_fail (CRN_IS_ACCOUNT (self));

  if (g_strcmp0 (self->ca_file, ca_file) == 0)
    return;
  g_free (self->ca_file);
  self->ca_file = g_strdup (ca_file);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
}

/**
 * crn_account_new_with_id:
 * @id: the id of an account the store already has
 * @other: the account to copy everything else from
 *
 * Returns: (transfer full): a copy of @other under @id (signing in again to an account
 *   that is already set up keeps its id)
 */
CrnAccount *
crn_account_new_with_id (const char *id,
                         CrnAccount *other)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (CRN_IS_ACCOUNT (other), NULL);

  return g_object_new (CRN_TYPE_ACCOUNT,
                       "id", id,
                       "server-url", other->server_url,
                       "username", other->username,
                       "role", other->role,
                       "display-name", other->display_name,
                       "practitioners", other->practitioners,
                       "ca-file", other->ca_file,
                       NULL);
}
