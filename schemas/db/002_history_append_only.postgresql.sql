-- History is append-only: the database itself refuses to edit or delete it.
CREATE FUNCTION hoshitori_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER supplier_history_append_only BEFORE UPDATE OR DELETE ON supplier_history
  FOR EACH ROW EXECUTE FUNCTION hoshitori_append_only();
