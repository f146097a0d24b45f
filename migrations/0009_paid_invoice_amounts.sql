-- Data fix: invoices marked paid by a status change (the CRM's PATCH /invoices/:id/status, and demo
-- data written before the fix) kept amount_paid at 0, so the dashboard showed "Paid $0.00". A paid
-- invoice has received its total.
UPDATE "invoices" SET "amount_paid" = "total_amount" WHERE "status" = 'paid' AND "amount_paid" < "total_amount";
