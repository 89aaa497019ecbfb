# service module benchmark (owned by the service work)
