-- History is append-only: the database itself refuses to edit or delete it.
CREATE TRIGGER supplier_history_no_update BEFORE UPDATE ON supplier_history
BEGIN
  SELECT RAISE(ABORT, 'supplier_history is append-only');
END;
CREATE TRIGGER supplier_history_no_delete BEFORE DELETE ON supplier_history
BEGIN
  SELECT RAISE(ABORT, 'supplier_history is append-only');
END;
